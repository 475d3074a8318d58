//! Phase 0 of `pos-bench server`: the **server's capacity**, without the tills' own work.
//!
//! The backlog drain (phase 1) runs 100 tills in this process: each pushes its outbox and
//! also pulls and applies, in its own SQLite, every change of its organisation, so on a
//! 2-core machine the tills' work competes with the server's for the same cores (in a
//! restaurant every till has its own machine). Here each of `tills` clients, enrolled as a
//! device in organisations of their own, sends the outbox a real till wrote offline (the
//! same orders as phase 1, written beforehand by a scratch till that is then closed) in the
//! driver's batches of 200, one batch after another, while a long-poll puller per client
//! fetches every change of its organisation, as a till's driver would, but applies
//! nothing. The clock runs from the first push until every push has been answered (push
//! throughput) and until every puller has received all of its organisation's changes.

use std::time::{Duration, Instant};

use pos_protocol::PROTOCOL_VERSION;
use pos_protocol::sync::{PullResponse, PushMutation, PushRequest, PushResponse, PushStatus};
use pos_server::{admin, db};
use serde::Serialize;
use uuid::Uuid;

use super::{DrainCpu, ServerOptions, blocking, cpu_split, enroll, open_till, pay, ticket};

/// What phase 0 measured.
#[derive(Clone, Debug, Default, Serialize)]
pub struct Capacity {
    pub clients: usize,
    pub mutations: u64,
    /// From the first push to the last push answered.
    pub push_s: f64,
    pub push_mutations_per_s: f64,
    /// From the first push until every puller had all of its organisation's changes.
    pub pulled_s: f64,
    /// Changes the pullers received in all (each organisation's log once per client).
    pub pulled_changes: u64,
    pub cpu_s: DrainCpu,
    /// Pushes or pulls that failed, or mutations not applied; must be 0.
    pub errors: u64,
    pub error_examples: Vec<String>,
}

impl Capacity {
    pub fn print(&self, cores: usize) {
        println!(
            "server capacity: {} mutations pushed by {} clients (real till outboxes, no till work) in {:.2} s: {:.0} mutations/s; every puller had its organisation's changes after {:.2} s ({} changes pulled); errors {}",
            self.mutations,
            self.clients,
            self.push_s,
            self.push_mutations_per_s,
            self.pulled_s,
            self.pulled_changes,
            self.errors
        );
        println!(
            "capacity CPU: server {:.1} s, PostgreSQL {:.1} s, clients {:.1} s (of {:.1} s on {} cores)",
            self.cpu_s.server,
            self.cpu_s.postgres,
            self.cpu_s.tills,
            self.pulled_s * cores as f64,
            cores
        );
        for e in &self.error_examples {
            println!("  {e}");
        }
    }
}

/// One client: its token, organisation and the batches it will push.
struct Client {
    token: String,
    org: usize,
    batches: Vec<PushRequest>,
}

/// Writes each client's outbox with a scratch till (closed afterwards), then runs the
/// pushers and pullers together. `deadline` bounds the run.
pub async fn run(
    opts: &ServerOptions,
    url: &str,
    admin_db: &db::Db,
    http: &reqwest::Client,
    cpu_pids: (Option<u32>, Option<u32>),
    deadline: Instant,
) -> anyhow::Result<Capacity> {
    let orgs = opts.orgs.max(1);
    let mut org_ids = Vec::new();
    for o in 0..orgs {
        org_ids.push(admin::create_org(admin_db, &format!("Capacity org {o}")).await?);
    }
    let bar = crate::stats::progress(opts.tills as u64, "capacity: writing the clients' outboxes");
    let mut clients = Vec::new();
    let mut per_org = vec![0u64; orgs];
    for i in 0..opts.tills {
        let org = i % orgs;
        let token = enroll(http, url, admin_db, org_ids[org], &format!("Client {i}")).await?;
        let (n, lines) = (opts.orders_per_till, opts.lines);
        let batches = blocking(move || outbox_batches(i, n, lines)).await?;
        per_org[org] += batches.iter().map(|b| b.mutations.len() as u64).sum::<u64>();
        clients.push(Client { token, org, batches });
        bar.inc(1);
    }
    bar.finish_and_clear();
    let mutations: u64 = per_org.iter().sum();

    let cpu_before = cpu_split(cpu_pids.0, cpu_pids.1);
    let started = Instant::now();
    let bar = crate::stats::progress(mutations, "capacity: pushing");
    let mut pushers = Vec::new();
    let mut pullers = Vec::new();
    for c in clients {
        let want = per_org[c.org];
        let (h, u, token) = (http.clone(), url.to_owned(), c.token.clone());
        pullers.push(tokio::spawn(async move {
            pull_all(&h, &u, &token, want, deadline).await
        }));
        let (http, url, bar) = (http.clone(), url.to_owned(), bar.clone());
        pushers.push(tokio::spawn(async move {
            let mut errors = Vec::new();
            for b in &c.batches {
                match push(&http, &url, &c.token, b).await {
                    Ok(()) => bar.inc(b.mutations.len() as u64),
                    Err(e) => {
                        errors.push(e.to_string());
                        break;
                    }
                }
                if Instant::now() > deadline {
                    errors.push("time limit reached while pushing".into());
                    break;
                }
            }
            errors
        }));
    }
    let mut errors = Vec::new();
    for p in pushers {
        errors.extend(p.await?);
    }
    let push_s = started.elapsed().as_secs_f64();
    bar.finish_and_clear();
    let mut pulled_changes = 0;
    for p in pullers {
        match p.await? {
            Ok(n) => pulled_changes += n,
            Err(e) => errors.push(e.to_string()),
        }
    }
    let pulled_s = started.elapsed().as_secs_f64();
    let cpu_after = cpu_split(cpu_pids.0, cpu_pids.1);
    Ok(Capacity {
        clients: opts.tills,
        mutations,
        push_s,
        push_mutations_per_s: mutations as f64 / push_s.max(1e-9),
        pulled_s,
        pulled_changes,
        cpu_s: DrainCpu {
            server: cpu_after.0 - cpu_before.0,
            postgres: cpu_after.1 - cpu_before.1,
            tills: cpu_after.2 - cpu_before.2,
        },
        errors: errors.len() as u64,
        error_examples: errors.into_iter().take(10).collect(),
    })
}

/// A scratch till sells `n` orders of `lines` lines, all paid, offline; its outbox, in
/// the driver's batches of 200.
fn outbox_batches(i: usize, n: usize, lines: usize) -> anyhow::Result<Vec<PushRequest>> {
    let till = open_till(0, String::new())?;
    for k in 0..n {
        let o = ticket(&till.app, format!("C{i}-{k}"), lines, k)?;
        pay(&till.app, o.id)?;
    }
    let rows = till
        .app
        .store()
        .read(|c| pos_store::outbox::pending(c, usize::MAX >> 1))?;
    let mut batches = Vec::new();
    for chunk in rows.chunks(200) {
        let mut mutations = Vec::with_capacity(chunk.len());
        for r in chunk {
            mutations.push(PushMutation {
                mutation_id: r.mutation_id,
                seq: r.seq,
                mutation: r.mutation()?,
            });
        }
        batches.push(PushRequest {
            protocol_version: PROTOCOL_VERSION,
            mutations,
        });
    }
    Ok(batches)
}

async fn push(http: &reqwest::Client, url: &str, token: &str, b: &PushRequest) -> anyhow::Result<()> {
    let resp = http
        .post(format!("{url}/sync/push"))
        .bearer_auth(token)
        .timeout(Duration::from_secs(60))
        .json(b)
        .send()
        .await?;
    anyhow::ensure!(resp.status().is_success(), "push answered {}", resp.status());
    let answer: PushResponse = resp.json().await?;
    let applied = answer
        .results
        .iter()
        .filter(|r| r.status == PushStatus::Applied)
        .count();
    anyhow::ensure!(
        applied == b.mutations.len(),
        "{} of {} mutations applied",
        applied,
        b.mutations.len()
    );
    Ok(())
}

/// Long-polls from the start of the organisation's log until `want` changes have come.
async fn pull_all(
    http: &reqwest::Client,
    url: &str,
    token: &str,
    want: u64,
    deadline: Instant,
) -> anyhow::Result<u64> {
    let mut cursor: Option<String> = None;
    let mut got = 0u64;
    let mut seen = std::collections::HashSet::<Uuid>::new();
    while got < want {
        anyhow::ensure!(
            Instant::now() < deadline,
            "time limit reached with {got} of {want} changes pulled"
        );
        let mut q = vec![("wait_ms", "10000".to_owned())];
        if let Some(c) = &cursor {
            q.push(("cursor", c.clone()));
        }
        let resp = http
            .get(format!("{url}/sync/pull"))
            .bearer_auth(token)
            .query(&q)
            .timeout(Duration::from_secs(40))
            .send()
            .await?;
        anyhow::ensure!(resp.status().is_success(), "pull answered {}", resp.status());
        let page: PullResponse = resp.json().await?;
        anyhow::ensure!(
            !page.reset || cursor.is_none(),
            "a cursor the server made was reset"
        );
        for c in &page.changes {
            anyhow::ensure!(seen.insert(*c.mutation_id.as_uuid()), "a change came twice");
        }
        got += page.changes.len() as u64;
        cursor = Some(page.cursor);
    }
    anyhow::ensure!(got == want, "{got} changes pulled, {want} pushed");
    Ok(got)
}
