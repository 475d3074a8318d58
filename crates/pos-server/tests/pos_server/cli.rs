//! `pos-server admin create-token` prints a working token once and logs no secret.

use pos_testkit::spawn_server;

#[tokio::test]
async fn the_admin_cli_prints_a_manager_token_that_the_api_accepts() {
    let mut server = spawn_server().await;
    let run = |args: Vec<String>| {
        std::process::Command::new(env!("CARGO_BIN_EXE_pos-server"))
            .args(args)
            .env("DATABASE_URL", &server.database_url)
            .env("RUST_LOG", "debug")
            .env("POS_SERVER_CONFIG", "/nonexistent.toml")
            .output()
            .expect("the binary runs")
    };
    let out = run([
        "admin",
        "create-token",
        "--org",
        &server.org.to_string(),
        "--role",
        "manager",
        "--name",
        "back office",
    ]
    .map(String::from)
    .to_vec());
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let token = String::from_utf8(out.stdout).unwrap().trim().to_string();
    assert_eq!(token.len(), 64, "stdout carries only the token");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!stderr.contains(&token), "the token is not logged");

    let (s, _) = server.get_json(&server.base.clone(), "/orders", &token).await;
    assert_eq!(s, 200, "the printed token works");
    let (s, body) = server
        .send_json(
            reqwest::Method::POST,
            &server.base.clone(),
            "/admin/cache-clear",
            &token,
            &serde_json::json!({}),
        )
        .await;
    assert_eq!(
        (s, body["code"].as_str()),
        (403, Some("forbidden")),
        "a manager is not an admin"
    );

    let bad = run([
        "admin",
        "create-token",
        "--org",
        &server.org.to_string(),
        "--role",
        "device",
        "--name",
        "x",
    ]
    .map(String::from)
    .to_vec());
    assert!(!bad.status.success(), "device tokens come only from enrollment");
    server.stop().await;
}
