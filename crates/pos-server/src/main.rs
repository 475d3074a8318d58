//! `pos-server [serve]` runs the server; `pos-server admin create-org NAME` (which also
//! makes the default location "Main"), `admin create-location --org ORG_ID --name NAME`,
//! `admin enroll-code --org ORG_ID [--location LOCATION_ID]` (default: the default
//! location) and the older `admin enrollment-code ORG_ID` manage tenants;
//! `pos-server admin create-token --org ORG_ID --role manager|admin --name NAME` prints a
//! back-office API token once. Settings come from
//! `POS_SERVER_CONFIG` (default `config/server.toml`, optional) and the environment.

use std::path::PathBuf;

use anyhow::Context;
use pos_server::{Application, Settings, admin, db};

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    // Logs go to stderr: stdout carries only what admin commands print (ids, codes).
    tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_env_filter(pos_server::log_filter(std::env::var("RUST_LOG").ok().as_deref()))
        .init();
    let config = std::env::var_os("POS_SERVER_CONFIG")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("config/server.toml"));
    let settings = Settings::load(Some(&config))?;
    let args: Vec<String> = std::env::args().skip(1).collect();
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    match args.as_slice() {
        [] | ["serve"] => {
            let app = Application::build(settings).await?;
            app.run_until_stopped(shutdown_signal()).await?;
        }
        ["admin", "create-org", name] => {
            let pool = db::pool(&settings.database_url, 2)?;
            db::migrate(&pool).await?;
            println!("{}", admin::create_org(&pool, name).await?);
        }
        ["admin", "enrollment-code", org] => {
            let pool = db::pool(&settings.database_url, 2)?;
            db::migrate(&pool).await?;
            let org = org.parse().context("ORG must be the organisation's id")?;
            println!("{}", admin::enrollment_code(&pool, org).await?);
        }
        ["admin", "create-location", rest @ ..] => {
            let org = parse_id(flag(rest, "--org", "create-location")?, "--org")?;
            let name = flag(rest, "--name", "create-location")?;
            let pool = db::pool(&settings.database_url, 2)?;
            db::migrate(&pool).await?;
            println!("{}", admin::create_location(&pool, org, name).await?);
        }
        ["admin", "enroll-code", rest @ ..] => {
            let org = parse_id(flag(rest, "--org", "enroll-code")?, "--org")?;
            let pool = db::pool(&settings.database_url, 2)?;
            db::migrate(&pool).await?;
            let location = if rest.contains(&"--location") {
                parse_id(flag(rest, "--location", "enroll-code")?, "--location")?
            } else {
                admin::default_location(&pool, org).await?
            };
            println!("{}", admin::enrollment_code_at(&pool, org, location).await?);
        }
        ["admin", "create-token", rest @ ..] => {
            let flag = |name: &str| {
                rest.iter()
                    .position(|a| *a == name)
                    .and_then(|i| rest.get(i + 1).copied())
                    .with_context(|| format!("create-token needs {name}"))
            };
            let org = flag("--org")?
                .parse()
                .context("--org must be the organisation's id")?;
            let role =
                pos_server::auth::Role::parse(flag("--role")?).context("--role is manager or admin")?;
            let name = flag("--name")?;
            let pool = db::pool(&settings.database_url, 2)?;
            db::migrate(&pool).await?;
            println!("{}", admin::create_token(&pool, org, role, name).await?);
        }
        _ => {
            anyhow::bail!(
                "usage: pos-server [serve] | admin create-org NAME | admin create-location --org ORG_ID --name NAME | admin enroll-code --org ORG_ID [--location LOCATION_ID] | admin enrollment-code ORG_ID | admin create-token --org ORG_ID --role manager|admin --name NAME"
            )
        }
    }
    Ok(())
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        if let Ok(mut s) = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            s.recv().await;
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = term => {},
    }
    tracing::info!("shutting down");
}

/// The value after `name` in `rest`.
fn flag<'a>(rest: &[&'a str], name: &str, command: &str) -> anyhow::Result<&'a str> {
    rest.iter()
        .position(|a| *a == name)
        .and_then(|i| rest.get(i + 1).copied())
        .with_context(|| format!("{command} needs {name}"))
}

fn parse_id(s: &str, what: &str) -> anyhow::Result<uuid::Uuid> {
    s.parse().with_context(|| format!("{what} must be an id"))
}
