//! TypeScript declarations generated from the Rust types the desktop commands return, kept
//! in `ui/src/generated/` and checked by each crate's tests, so a Rust change that the UI's
//! hand-written code has not followed fails CI. `UPDATE_TS=1 cargo test -p CRATE typescript`
//! rewrites a file. Types derive `ts_rs::TS` only under `cfg(test)`: no cost in the build.

use std::path::PathBuf;

/// Writes (with `UPDATE_TS` set) or checks `ui/src/generated/<file>`, made of `decls`.
/// Panics with the command to run when the file on disk differs.
pub fn check(file: &str, krate: &str, decls: &[String]) {
    let mut body = format!(
        "// Generated from the Rust types of {krate} by its tests; do not edit.\n\
         // Rewrite with: UPDATE_TS=1 cargo test -p {krate} typescript\n"
    );
    for d in decls {
        body.push_str("\nexport ");
        body.push_str(d);
        body.push('\n');
    }
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../ui/src/generated")
        .join(file);
    if std::env::var_os("UPDATE_TS").is_some() {
        std::fs::create_dir_all(path.parent().expect("a parent")).expect("ui/src/generated");
        std::fs::write(&path, &body).expect("the generated file is written");
    }
    let on_disk = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        on_disk == body,
        "{} is out of date with the Rust types: run UPDATE_TS=1 cargo test -p {krate} typescript",
        path.display()
    );
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_generated_typescript_matches_the_rust_types() {
        use ts_rs::TS;
        let cfg = ts_rs::Config::new().with_large_int("number");
        let decls = [
            crate::ErrorCode::decl(&cfg),
            crate::AppError::decl(&cfg),
            crate::BackupInfo::decl(&cfg),
            crate::BackupReport::decl(&cfg),
        ];
        super::check("pos_app.ts", "pos-app", &decls);
    }
}
