//! `/openapi.json` lists exactly the routes the router serves.

use std::collections::BTreeSet;

use pos_server::routes::api::routes;

#[tokio::test]
async fn the_openapi_document_lists_every_route_the_router_serves_and_no_other() {
    let mut server = pos_testkit::spawn_server().await;
    let doc: serde_json::Value = server
        .http
        .get(format!("{}/openapi.json", server.base))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(doc["openapi"], "3.0.3");
    let documented: BTreeSet<(String, String)> = doc["paths"]
        .as_object()
        .expect("paths")
        .iter()
        .flat_map(|(path, ops)| {
            ops.as_object()
                .expect("operations")
                .keys()
                .map(move |m| (m.to_uppercase(), path.clone()))
        })
        .collect();
    let listed: BTreeSet<(String, String)> = routes()
        .iter()
        .map(|(d, _)| (d.method.as_str().to_string(), d.path.to_string()))
        .collect();
    assert_eq!(documented, listed, "the document and the route list agree");
    assert!(listed.len() >= 20, "every route is in the list: {listed:?}");

    // The router serves each documented route: without a token it may refuse (401) or
    // answer, but never "no such route" or "method not allowed".
    for (method, path) in &documented {
        let url = format!(
            "{}{}",
            server.base,
            path.replace("{id}", &uuid::Uuid::nil().to_string())
                .replace("{phone}", "9845012345")
        );
        let m = reqwest::Method::from_bytes(method.as_bytes()).unwrap();
        let resp = server
            .http
            .request(m, &url)
            .header("content-type", "application/json")
            .body("{}")
            .send()
            .await
            .unwrap();
        let status = resp.status().as_u16();
        let body: serde_json::Value = resp.json().await.unwrap_or_default();
        assert!(
            status != 405 && body["code"] != "no_route",
            "{method} {path} is documented but not served ({status} {body})"
        );
        // Every error a route can answer is documented with the shared error schema.
        if status >= 400 {
            let op = &doc["paths"][path][method.to_lowercase()];
            assert!(
                op["responses"][status.to_string()].is_object(),
                "{method} {path} answered {status}, which its document does not list"
            );
        }
    }
    // A route that is not in the list is not served.
    let resp = server
        .http
        .get(format!("{}/no/such/route", server.base))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 404);
    let body: serde_json::Value = resp.json().await.unwrap();
    assert_eq!(
        body["code"], "no_route",
        "unknown routes answer with the JSON error too"
    );
    let resp = server
        .http
        .delete(format!("{}/orders", server.base))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 405);
    let body: serde_json::Value = resp.json().await.unwrap();
    assert_eq!(body["code"], "method_not_allowed");
    server.stop().await;
}
