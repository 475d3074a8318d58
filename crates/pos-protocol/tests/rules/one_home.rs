//! The sync rules have one home: no source file of the till, the server or the desktop
//! decides per intent. A file that matches on several of `Mutation`'s intents (arms of a
//! `match`, `if let`, `let ... else`, `matches!`) outside `pos_protocol::rules` and the
//! enum's own definition is a second copy of the rules waiting to drift from the first,
//! which is how the till and the server came to treat `order.add_line` differently. Building
//! a mutation is fine; taking one apart by intent belongs in `rules`.

use std::path::{Path, PathBuf};

/// Where `Mutation` is defined (with `intent()`) and where its rules live.
const HOME: &[&str] = &["crates/pos-protocol/src/lib.rs", "crates/pos-protocol/src/rules/"];

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let p = e.path();
        if p.is_dir() {
            rust_files(&p, out);
        } else if p.extension().is_some_and(|x| x == "rs") {
            out.push(p);
        }
    }
}

/// The production sources: every crate's `src/` and the desktop's.
fn sources() -> Vec<(String, String)> {
    let root = workspace();
    let mut dirs = vec![root.join("src-tauri/src")];
    if let Ok(crates) = std::fs::read_dir(root.join("crates")) {
        dirs.extend(crates.flatten().map(|c| c.path().join("src")));
    }
    let mut files = Vec::new();
    for d in dirs {
        rust_files(&d, &mut files);
    }
    files
        .into_iter()
        .filter_map(|f| {
            let rel = f.strip_prefix(&root).ok()?.to_string_lossy().replace('\\', "/");
            Some((rel, std::fs::read_to_string(&f).ok()?))
        })
        .collect()
}

/// The names `source` knows `Mutation` by: itself and any `Mutation as M` alias.
fn names_of_mutation(source: &str) -> Vec<String> {
    let mut names = vec!["Mutation".to_owned()];
    let mut rest = source;
    while let Some(at) = rest.find("Mutation as ") {
        let alias: String = rest[at + "Mutation as ".len()..]
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
            .collect();
        if !alias.is_empty() {
            names.push(alias);
        }
        rest = &rest[at + 1..];
    }
    names
}

/// The intents `source` takes apart by pattern: `Mutation::X` (or an alias's `M::X`)
/// followed (after its fields, if any) by `=>`, `|`, `=`, or preceded by `let`/`matches!(`.
fn matched_intents(source: &str) -> Vec<String> {
    let mut found = Vec::new();
    for name in names_of_mutation(source) {
        for intent in matched_as(source, &format!("{name}::")) {
            if !found.contains(&intent) {
                found.push(intent);
            }
        }
    }
    found
}

fn matched_as(source: &str, prefix: &str) -> Vec<String> {
    let mut found = Vec::new();
    let bytes = source.as_bytes();
    let mut i = 0;
    while let Some(at) = source[i..].find(prefix) {
        let start = i + at;
        // `Mutation::` inside a longer path segment (`FooMutation::`) is another type.
        if start > 0 && (bytes[start - 1].is_ascii_alphanumeric() || bytes[start - 1] == b'_') {
            i = start + prefix.len();
            continue;
        }
        let name_start = start + prefix.len();
        let name_end = source[name_start..]
            .find(|c: char| !c.is_ascii_alphanumeric() && c != '_')
            .map_or(source.len(), |n| name_start + n);
        let name = &source[name_start..name_end];
        i = name_end;
        if !name.chars().next().is_some_and(|c| c.is_ascii_uppercase()) {
            continue;
        }
        // Skip the fields: a balanced `{ ... }` right after the name.
        let mut j = name_end;
        while j < bytes.len() && bytes[j].is_ascii_whitespace() {
            j += 1;
        }
        if j < bytes.len() && bytes[j] == b'{' {
            let mut depth = 0;
            while j < bytes.len() {
                match bytes[j] {
                    b'{' => depth += 1,
                    b'}' => {
                        depth -= 1;
                        if depth == 0 {
                            j += 1;
                            break;
                        }
                    }
                    _ => {}
                }
                j += 1;
            }
        }
        let after = source[j..].trim_start();
        let before = source[..start].trim_end();
        let pattern = after.starts_with("=>")
            || (after.starts_with('|') && !after.starts_with("||"))
            || (after.starts_with('=') && !after.starts_with("=="))
            || before.ends_with("let")
            || before.ends_with("matches!(")
            || before.ends_with('|');
        if pattern && !found.iter().any(|f: &String| f == name) {
            found.push(name.to_owned());
        }
    }
    found
}

#[test]
fn only_the_rule_module_takes_mutations_apart_intent_by_intent() {
    let files = sources();
    assert!(
        files.len() > 50,
        "the scan found the workspace's sources ({})",
        files.len()
    );
    let mut offenders = Vec::new();
    for (path, source) in &files {
        if HOME.iter().any(|h| path.starts_with(h)) {
            continue;
        }
        let intents = matched_intents(source);
        if intents.len() > 1 {
            offenders.push(format!("{path}: {}", intents.join(", ")));
        }
    }
    assert!(
        offenders.is_empty(),
        "per-intent matches outside pos_protocol::rules (move the decision into a rule, or read \
         it from rules::touches / rules::table):\n{}",
        offenders.join("\n")
    );
}

#[test]
fn the_rule_module_itself_matches_every_intent() {
    let files = sources();
    let rules = files
        .iter()
        .find(|(p, _)| p == "crates/pos-protocol/src/rules/mod.rs")
        .map(|(_, s)| s.as_str())
        .expect("the rule module");
    let lib = files
        .iter()
        .find(|(p, _)| p == "crates/pos-protocol/src/lib.rs")
        .map(|(_, s)| s.as_str())
        .expect("the enum's definition");
    let declared = matched_intents(lib);
    assert!(declared.len() >= 11, "intent() names every intent: {declared:?}");
    let decided = matched_intents(rules);
    for intent in &declared {
        assert!(decided.contains(intent), "rules::apply has no arm for {intent}");
    }
}

#[test]
fn the_scan_recognises_a_per_intent_match_when_it_sees_one() {
    let copy = r#"
        match m {
            Mutation::OrderCreate { order } => Some(order.id),
            Mutation::OrderAddLine { order_id, .. } | Mutation::PaymentRecord { order_id, .. } => Some(*order_id),
            _ => None,
        }
    "#;
    assert_eq!(
        matched_intents(copy),
        vec!["OrderCreate", "OrderAddLine", "PaymentRecord"]
    );
    let building = r#"let m = Mutation::OrderSetDiscount { order_id, discount, at_ms: now }; w.apply(Mutation::OrderCreate { order });"#;
    assert!(
        matched_intents(building).is_empty(),
        "building mutations is not deciding them"
    );
    assert_eq!(
        matched_intents("let Mutation::OrderCreate { order } = m else { return };"),
        vec!["OrderCreate"]
    );
    let aliased = "use pos_protocol::Mutation as M; match m { M::OrderCreate { order } => 1, M::StaffUpsert { .. } => 2 }";
    assert_eq!(
        matched_intents(aliased),
        vec!["OrderCreate", "StaffUpsert"],
        "an alias is seen through"
    );
}
