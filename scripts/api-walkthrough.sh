#!/usr/bin/env bash
# The back-office API walkthrough of docs/API.md, runnable against `make server`:
#
#   export DATABASE_URL=$(cat data/pg/url)      # the PostgreSQL `make server` started
#   scripts/api-walkthrough.sh                  # API=http://127.0.0.1:8080 by default
#
# Creates an organisation and its tokens with the admin CLI, then calls every back-office
# route with curl and prints each answer. Needs curl and jq. POS_SERVER_BIN names a built
# pos-server binary (default: `cargo run -q -p pos-server --`).
set -euo pipefail

: "${DATABASE_URL:?export DATABASE_URL (make server prints it; also in data/pg/url)}"
API=${API:-http://127.0.0.1:8080}
command -v jq >/dev/null || { echo "jq is needed (apt-get install jq)" >&2; exit 1; }
# The admin CLI logs to stderr; only warnings here. It prints only ids, codes and tokens.
if [[ -n ${POS_SERVER_BIN:-} ]]; then pos() { RUST_LOG=warn "$POS_SERVER_BIN" "$@"; }
else pos() { RUST_LOG=warn cargo run -q -p pos-server -- "$@"; }
fi
uuid() { cat /proc/sys/kernel/random/uuid; }
step() { printf '\n== %s\n' "$*"; }
# call METHOD PATH TOKEN [JSON]: prints the body, then the status.
call() {
  local method=$1 path=$2 token=$3 body=${4:-}
  local args=(-s -w '\nHTTP %{http_code}\n' -X "$method" "$API$path")
  [[ -n $token ]] && args+=(-H "Authorization: Bearer $token")
  [[ -n $body ]] && args+=(-H 'content-type: application/json' -d "$body")
  curl "${args[@]}"
}

step "An organisation, a manager token and an admin token (printed once, stored hashed)"
ORG=$(pos admin create-org "Dosa Corner")
MANAGER=$(pos admin create-token --org "$ORG" --role manager --name "back office")
ADMIN=$(pos admin create-token --org "$ORG" --role admin --name "operator")
echo "org $ORG"

step "A till: enrollment code -> device token"
CODE=$(pos admin enroll-code --org "$ORG")   # the default location; --location LOC for another
DEVICE=$(curl -s -XPOST "$API/sync/enroll" -H 'content-type: application/json' \
  -d "{\"code\":\"$CODE\",\"device_name\":\"Till 1\"}" | jq -r .token)
echo "device token: ${#DEVICE} hex characters"

step "PUT /business-profile (manager): the profile every till pulls"
call PUT /business-profile "$MANAGER" '{
  "name": "Dosa Corner", "legal_name": "Dosa Corner LLP", "address": "1 MG Road, Bengaluru",
  "phone": "080 4000 0000", "email": "hello@dosacorner.example", "tax_registration": null,
  "currency": {"code": "INR", "exponent": 2}, "country_code": "91",
  "utc_offset_minutes": 330, "day_starts_at_hour": 4,
  "tax_classes": [{"code": "GST5", "name": "GST 5%", "rate": 500, "split": "cgst_sgst"}],
  "pricing": "exclusive", "tax_rounding": "per_document", "rounding": "half_up",
  "odd_paisa_to": "cgst", "cash_rounding_increment": 100, "service_charge": 0,
  "service_charge_taxed": false, "service_charge_tax_class": "GST5",
  "receipt_header": "", "receipt_footer": "", "invoice_prefix": "DC-"}' | tail -1

step "The till pushes its menu and a customer with a tab (POST /sync/push, as its driver does)"
call POST /sync/push "$DEVICE" "{\"protocol_version\": 1, \"mutations\": [
  {\"mutation_id\": \"$(uuid)\", \"seq\": 1, \"intent\": \"menu.upsert\",
   \"payload\": {\"items\": [{\"sku\": \"MASALA-DOSA\", \"name\": \"Masala Dosa\", \"category\": \"Dosa\",
                            \"price\": 12000, \"tax_class\": \"GST5\", \"active\": true}]}},
  {\"mutation_id\": \"$(uuid)\", \"seq\": 2, \"intent\": \"customer.upsert\",
   \"payload\": {\"customer\": {\"phone\": \"919845012345\", \"name\": \"Asha\", \"credit_limit\": 500000}}}]}"

step "GET /business-profile, /business-settings, /business-profile/lite (any token)"
call GET /business-profile "$DEVICE" | tail -1
call GET /business-settings "$DEVICE"
call GET /business-profile/lite "$DEVICE"
LOCATION=$(curl -s "$API/business-settings" -H "Authorization: Bearer $DEVICE" | jq -r '.locations[0].id')

step "POST /business-profile/update (manager): change some fields"
call POST /business-profile/update "$MANAGER" '{"receipt_footer": "Thank you!"}' | tail -1
step "... a device token may not"
call POST /business-profile/update "$DEVICE" '{"receipt_footer": "x"}'

step "POST /orders: an order from a delivery platform; the organisation's tills pull it"
ORDER=$(curl -s -XPOST "$API/orders" -H "Authorization: Bearer $MANAGER" -H 'content-type: application/json' \
  -d "{\"location_id\": \"$LOCATION\", \"channel\": \"swiggy\", \"customer_phone\": \"98450 12345\",
       \"lines\": [{\"sku\": \"MASALA-DOSA\", \"qty\": 2}]}" | jq -r .id)
echo "order $ORDER"

step "PUT /orders/{id}: status under the tills' state machine"
call PUT "/orders/$ORDER" "$MANAGER" '{"status": "sent_to_kitchen"}' | tail -1
call PUT "/orders/$ORDER" "$MANAGER" '{"status": "paid"}'

step "GET /orders (active, paginated) and GET /orders/{id}"
call GET "/orders?status=active&limit=10" "$DEVICE"
call GET "/orders/$ORDER" "$DEVICE" | tail -1

step "POST /billing/calculate-bill: the tills' tax engine, stateless"
call POST /billing/calculate-bill "$DEVICE" \
  '{"lines": [{"name": "Masala Dosa", "unit_price": 12000, "qty": 2, "tax_class": "GST5"}]}' \
  | head -1 | jq -c '{subtotal, tax_total, round_off, total}'

step "POST /payments: Rs 100 on Asha's tab, the rest in cash with change; the order becomes paid"
curl -s -XPOST "$API/payments" -H "Authorization: Bearer $MANAGER" -H 'content-type: application/json' \
  -d "{\"order_id\": \"$ORDER\", \"tenders\": [
        {\"method\": \"on_account\", \"amount\": 10000}, {\"method\": \"cash\", \"amount\": 20000}]}" \
  | jq -c '{status: .order.status, change, due, invoice_no}'
step "... a negative amount is refused with the field at fault"
call POST /payments "$MANAGER" \
  "{\"order_id\": \"$ORDER\", \"tenders\": [{\"method\": \"cash\", \"amount\": -5}]}"

step "GET /billing/summary (today, whole organisation) and the balance, phone typed any way"
call GET /billing/summary "$MANAGER"
call GET "/billing/customer-balance/%2B91%2098450-12345" "$MANAGER"
call GET "/billing/customer-balance/9845012345" "$MANAGER" | tail -1
call GET "/billing/customer-balance/98450abc" "$MANAGER"

step "GET /admin/cache-stats and POST /admin/cache-clear (admin only)"
curl -s "$API/admin/cache-stats" -H "Authorization: Bearer $ADMIN" \
  | jq -c '.caches[] | {name, hits, misses, hit_ratio, entries, bytes}'
call POST /admin/cache-clear "$MANAGER"
call POST /admin/cache-clear "$ADMIN"

step "GET /healthz, /metrics (some lines), /openapi.json (paths); no token, no profile"
call GET /healthz ""
call GET /business-profile ""
curl -s "$API/metrics" | grep -E '^pos_(cache_hits_total|sync_push_mutations_total|db_pool_size)' | head -8
curl -s "$API/openapi.json" | jq -r '.paths | keys | join(" ")'
