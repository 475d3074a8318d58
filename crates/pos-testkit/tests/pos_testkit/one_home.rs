//! One home for the test harness and the example profile. Fails when a second definition
//! appears outside it:
//!
//! - **the example profile**: a `Profile { ... }` literal that spells out every field
//!   (no `..base`), or a function named like one (`fn demo_profile`, `fn sample_profile`,
//!   ...), anywhere but its one production definition, `pos_core::profile::example_profile`.
//!   A literal that starts from the example (`Profile { service_charge: .., ..example_profile() }`)
//!   is a variation, not a copy, and passes.
//! - **the server harness**: building or running a `pos_server::Application`
//!   (`Application::build(`, `.run_until_stopped(`) anywhere but the server's own `src/`
//!   (its binary) and this kit's `src/`.
//!
//! - **the kit's place**: a production crate (pos-core, pos-protocol, pos-store,
//!   pos-cache, pos-app, pos-sync, pos-server, the desktop) names `pos-testkit` only under
//!   `[dev-dependencies]`.
//!
//! Grep-based on purpose: it reads the source as text, so it sees tests, examples and
//! binaries that no compiler pass would connect.

use std::path::{Path, PathBuf};

/// Where the one example profile lives.
const PROFILE_HOME: &str = "crates/pos-core/src/profile.rs";
/// Function names an example profile goes by.
const PROFILE_FN_NAMES: [&str; 5] = [
    "fn example_profile(",
    "fn demo_profile(",
    "fn sample_profile(",
    "fn test_profile(",
    "fn profile_fixture(",
];
/// Where a server may be built and run: the server's binary and this kit.
const HARNESS_HOMES: [&str; 2] = ["crates/pos-server/src/", "crates/pos-testkit/src/"];
const HARNESS_CALLS: [&str; 2] = ["Application::build(", ".run_until_stopped("];

fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .ancestors()
        .nth(2)
        .expect("the kit sits in crates/pos-testkit")
        .to_owned()
}

/// Every `.rs` file of the workspace (build output, node modules and git excluded), as
/// paths relative to the root with `/` separators.
fn rust_files(root: &Path) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut stack = vec![root.to_owned()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).expect("the workspace is readable") {
            let path = entry.expect("a directory entry").path();
            let name = path.file_name().and_then(|n| n.to_str()).unwrap_or_default();
            if path.is_dir() {
                if !matches!(name, "target" | "node_modules" | ".git" | "dist") {
                    stack.push(path);
                }
            } else if name.ends_with(".rs") {
                let rel = path
                    .strip_prefix(root)
                    .expect("under the root")
                    .to_string_lossy()
                    .replace('\\', "/");
                let text = std::fs::read_to_string(&path).expect("a readable source file");
                out.push((rel, text));
            }
        }
    }
    out.sort();
    out
}

/// Line numbers (1-based) of `Profile { ... }` literals in `text` that list every field
/// themselves: no `..base` line inside their braces.
fn full_profile_literals(text: &str) -> Vec<usize> {
    let mut found = Vec::new();
    let mut from = 0;
    while let Some(at) = text[from..].find("Profile {") {
        let start = from + at;
        from = start + "Profile {".len();
        // `OrgProfile {`, `ProfileLite {`: other types.
        if text[..start]
            .chars()
            .next_back()
            .is_some_and(|c| c.is_alphanumeric() || c == '_')
        {
            continue;
        }
        // `struct Profile {`, `impl Profile {`, `impl Weigh for Profile {`, `-> Profile {`:
        // not a value.
        let line_start = text[..start].rfind('\n').map_or(0, |i| i + 1);
        let before = text[line_start..start].trim_end();
        if before.ends_with("struct")
            || before.ends_with("impl")
            || before.ends_with("for")
            || before.ends_with("->")
            || before.starts_with("impl")
        {
            continue;
        }
        // The literal's body, up to its matching brace.
        let mut depth = 1usize;
        let mut end = from;
        for (i, c) in text[from..].char_indices() {
            match c {
                '{' => depth += 1,
                '}' => {
                    depth -= 1;
                    if depth == 0 {
                        end = from + i;
                        break;
                    }
                }
                _ => {}
            }
        }
        let body = &text[from..end];
        let based = body.lines().any(|l| l.trim_start().starts_with(".."));
        if !based {
            found.push(text[..start].matches('\n').count() + 1);
        }
    }
    found
}

fn is_this_check(path: &str) -> bool {
    path == "crates/pos-testkit/tests/pos_testkit/one_home.rs"
}

#[test]
fn the_example_profile_is_defined_once_in_pos_core() {
    let root = workspace_root();
    let files = rust_files(&root);
    assert!(
        files.iter().any(|(p, _)| p == PROFILE_HOME),
        "the walk must see {PROFILE_HOME} (root {})",
        root.display()
    );
    let mut copies = Vec::new();
    let mut at_home = 0;
    for (path, text) in files.iter().filter(|(p, _)| !is_this_check(p)) {
        for line in full_profile_literals(text) {
            if path == PROFILE_HOME {
                at_home += 1;
            } else {
                copies.push(format!("{path}:{line}: a Profile literal with every field"));
            }
        }
        for name in PROFILE_FN_NAMES {
            if path != PROFILE_HOME && text.contains(name) {
                copies.push(format!("{path}: defines {name}...)"));
            }
        }
    }
    assert_eq!(
        at_home, 1,
        "{PROFILE_HOME} holds exactly one full Profile literal (example_profile)"
    );
    assert!(
        copies.is_empty(),
        "a second example profile: use pos_testkit::example_profile() (tests) or \
         pos_core::profile::example_profile() (production), changed with `..example_profile()` \
         where a test needs another value:\n{}",
        copies.join("\n")
    );
}

#[test]
fn only_the_kit_and_the_server_binary_build_and_run_a_server() {
    let files = rust_files(&workspace_root());
    let mut copies = Vec::new();
    let mut in_kit = 0;
    for (path, text) in files.iter().filter(|(p, _)| !is_this_check(p)) {
        for (n, line) in text.lines().enumerate() {
            for call in HARNESS_CALLS {
                if line.contains(call) {
                    if HARNESS_HOMES.iter().any(|home| path.starts_with(home)) {
                        in_kit += usize::from(path.starts_with("crates/pos-testkit/src/"));
                    } else {
                        copies.push(format!("{path}:{}: {}", n + 1, line.trim()));
                    }
                }
            }
        }
    }
    assert!(in_kit >= 2, "the kit itself builds and runs the server");
    assert!(
        copies.is_empty(),
        "a second server harness: use pos_testkit::spawn_server() (or \
         pos_testkit::RunningServer::start for a server with settings of its own):\n{}",
        copies.join("\n")
    );
}

/// The manifests of the crates a till or the server is built from.
const PRODUCTION_MANIFESTS: [&str; 8] = [
    "crates/pos-core/Cargo.toml",
    "crates/pos-protocol/Cargo.toml",
    "crates/pos-store/Cargo.toml",
    "crates/pos-cache/Cargo.toml",
    "crates/pos-app/Cargo.toml",
    "crates/pos-sync/Cargo.toml",
    "crates/pos-server/Cargo.toml",
    "src-tauri/Cargo.toml",
];

/// The `[section]` headers under which `manifest` names pos-testkit.
fn testkit_sections(manifest: &str) -> Vec<String> {
    let mut section = String::new();
    let mut found = Vec::new();
    for line in manifest.lines() {
        let line = line.trim();
        if line.starts_with('[') {
            section = line.to_owned();
        } else if line.starts_with("pos-testkit") {
            found.push(section.clone());
        }
    }
    found
}

#[test]
fn no_production_crate_depends_on_the_kit_outside_its_dev_dependencies() {
    let root = workspace_root();
    let mut wrong = Vec::new();
    for path in PRODUCTION_MANIFESTS {
        let manifest = std::fs::read_to_string(root.join(path)).expect("a readable manifest");
        for section in testkit_sections(&manifest) {
            if section != "[dev-dependencies]" {
                wrong.push(format!("{path}: pos-testkit under {section}"));
            }
        }
    }
    assert!(
        wrong.is_empty(),
        "the test kit must never reach a till's or the server's build:\n{}",
        wrong.join("\n")
    );
    assert_eq!(
        testkit_sections(
            "[dependencies]\npos-testkit.workspace = true\n[dev-dependencies]\npos-testkit = { path = \"x\" }\n"
        ),
        vec!["[dependencies]".to_owned(), "[dev-dependencies]".to_owned()],
        "the manifest reader sees both kinds of entry"
    );
}

#[test]
fn the_scanner_tells_a_copy_from_a_variation_and_from_other_types() {
    let copy = "fn p() -> Profile {\n    Profile {\n        name: \"X\".into(),\n        tax_classes: vec![TaxClass { code: \"A\".into() }],\n    }\n}\n";
    assert_eq!(
        full_profile_literals(copy),
        vec![2],
        "a literal with its own fields is a copy"
    );
    let variation = "let p = Profile {\n    service_charge: pct(1000),\n    ..example_profile()\n};\n";
    assert!(
        full_profile_literals(variation).is_empty(),
        "a variation of the example"
    );
    let others = "pub struct Profile {\n}\nimpl Profile {\n}\nimpl Weigh for Profile {\n}\nOk(OrgProfile { profile, locations })\nProfileLite { name }\n";
    assert!(
        full_profile_literals(others).is_empty(),
        "definitions and other types"
    );
}
