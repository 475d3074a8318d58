//! `ui/src/generated/commands.ts`: the TypeScript map of every registered command
//! ([`crate::COMMANDS`]) to its arguments and result, generated from the commands' own
//! signatures, so the UI's one `call` (ui/src/ipc.ts) cannot name a command that does not
//! exist, misspell an argument or pass a value of another type without `tsc` failing.
//!
//! The signatures are read with `syn` from the module files the commands live in: tauri's
//! macro keeps the parameter names to itself, and this way the names the UI sends are the
//! names the Rust function declares (all commands are `rename_all = "snake_case"`, which
//! the generator insists on). Parameters tauri fills in itself (`State`, `AppHandle`,
//! windows) are not arguments. Types map by name to the ts-rs declarations already in
//! `ui/src/generated/` (a type that is not there fails the test, with what to do), plus
//! `String`, numbers, `bool`, `Option<T>` (an argument that may be left out, or `T | null`
//! in a result) and `Vec<T>`.
//!
//! `UPDATE_TS=1 cargo test -p pos-desktop typescript` rewrites the file; without it the
//! test fails when the file on disk differs from what the commands give.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use syn::{FnArg, GenericArgument, Item, ItemFn, Pat, PathArguments, ReturnType, Type};

/// Parameters tauri injects rather than reads from the invoke's arguments.
const INJECTED: &[&str] = &["State", "AppHandle", "Window", "Webview", "WebviewWindow"];

fn src_tauri() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn generated_dir() -> PathBuf {
    src_tauri().join("../ui/src/generated")
}

/// Which generated module exports each type name (`Order` -> `pos_core`).
fn exported_types(dir: &Path) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .expect("ui/src/generated exists")
        .map(|e| e.expect("a directory entry").path())
        .filter(|p| {
            p.extension().is_some_and(|x| x == "ts") && p.file_stem().is_some_and(|s| s != "commands")
        })
        .collect();
    files.sort();
    for f in files {
        let module = f
            .file_stem()
            .and_then(|s| s.to_str())
            .expect("a file name")
            .to_owned();
        let text = std::fs::read_to_string(&f).expect("a generated file reads");
        for line in text.lines() {
            if let Some(rest) = line.strip_prefix("export type ") {
                let name: String = rest
                    .chars()
                    .take_while(|c| c.is_alphanumeric() || *c == '_')
                    .collect();
                out.insert(name, module.clone());
            }
        }
    }
    out
}

/// A command's TypeScript entry.
struct Command {
    module: String,
    name: String,
    doc: Vec<String>,
    /// `(name, type, may be left out)`.
    args: Vec<(String, String, bool)>,
    result: String,
}

/// Turns Rust types into TypeScript, noting every declared type it uses.
struct Types<'a> {
    exported: &'a BTreeMap<String, String>,
    used: BTreeSet<String>,
    /// Where the type being converted appears, for the error message.
    at: String,
}

impl Types<'_> {
    fn ts(&mut self, ty: &Type) -> String {
        match ty {
            Type::Tuple(t) if t.elems.is_empty() => "null".into(),
            Type::Reference(r) => self.ts(&r.elem),
            Type::Paren(p) => self.ts(&p.elem),
            Type::Path(p) => {
                let seg = p.path.segments.last().expect("a path has a segment");
                let ident = seg.ident.to_string();
                let generics: Vec<&Type> = match &seg.arguments {
                    PathArguments::AngleBracketed(a) => a
                        .args
                        .iter()
                        .filter_map(|g| match g {
                            GenericArgument::Type(t) => Some(t),
                            _ => None,
                        })
                        .collect(),
                    _ => Vec::new(),
                };
                match (ident.as_str(), generics.as_slice()) {
                    ("String" | "str", []) => "string".into(),
                    ("bool", []) => "boolean".into(),
                    (
                        "i8" | "i16" | "i32" | "i64" | "u8" | "u16" | "u32" | "u64" | "usize" | "isize"
                        | "f32" | "f64",
                        [],
                    ) => "number".into(),
                    ("Option", [inner]) => format!("{} | null", self.ts(inner)),
                    ("Vec", [inner]) => {
                        let t = self.ts(inner);
                        if t.contains(' ') {
                            format!("({t})[]")
                        } else {
                            format!("{t}[]")
                        }
                    }
                    (name, []) => {
                        assert!(
                            self.exported.contains_key(name),
                            "{}: the type {name} is not in ui/src/generated: derive ts_rs::TS for it and add it to \
                             its crate's typescript test (docs/DESKTOP.md, \"TypeScript types\")",
                            self.at
                        );
                        self.used.insert(name.to_owned());
                        name.to_owned()
                    }
                    (name, _) => panic!("{}: the generator does not know the generic type {name}", self.at),
                }
            }
            _ => panic!("{}: the generator does not know this kind of type", self.at),
        }
    }
}

fn last_ident(ty: &Type) -> Option<String> {
    match ty {
        Type::Path(p) => p.path.segments.last().map(|s| s.ident.to_string()),
        _ => None,
    }
}

/// `T` of `Wrapper<T, ..>` when `ty` is one of `wrappers` (`Option<T>`, `Result<T, E>`).
fn wrapped<'t>(ty: &'t Type, wrappers: &[&str]) -> Option<&'t Type> {
    let Type::Path(p) = ty else { return None };
    let seg = p.path.segments.last()?;
    if !wrappers.iter().any(|w| seg.ident == w) {
        return None;
    }
    match &seg.arguments {
        PathArguments::AngleBracketed(a) => a.args.iter().find_map(|g| match g {
            GenericArgument::Type(t) => Some(t),
            _ => None,
        }),
        _ => None,
    }
}

/// Whether `f` carries `#[tauri::command(rename_all = "snake_case")]`.
fn is_snake_case_command(f: &ItemFn) -> bool {
    f.attrs.iter().any(|a| {
        let p = a.path();
        let is_command =
            p.segments.len() == 2 && p.segments[0].ident == "tauri" && p.segments[1].ident == "command";
        let mut snake = false;
        if is_command {
            let _ = a.parse_nested_meta(|m| {
                if m.path.is_ident("rename_all") {
                    let v: syn::LitStr = m.value()?.parse()?;
                    snake = v.value() == "snake_case";
                }
                Ok(())
            });
        }
        snake
    })
}

fn doc_lines(f: &ItemFn) -> Vec<String> {
    f.attrs
        .iter()
        .filter(|a| a.path().is_ident("doc"))
        .filter_map(|a| match &a.meta {
            syn::Meta::NameValue(nv) => match &nv.value {
                syn::Expr::Lit(syn::ExprLit {
                    lit: syn::Lit::Str(s),
                    ..
                }) => Some(s.value().trim().to_owned()),
                _ => None,
            },
            _ => None,
        })
        .collect()
}

/// Reads every registered command's signature from its module file.
fn commands(exported: &BTreeMap<String, String>) -> (Vec<Command>, BTreeSet<String>) {
    let mut files: BTreeMap<&str, syn::File> = BTreeMap::new();
    let mut types = Types {
        exported,
        used: BTreeSet::new(),
        at: String::new(),
    };
    let mut out = Vec::new();
    for &(module, name) in crate::COMMANDS {
        let file = files.entry(module).or_insert_with(|| {
            let path = src_tauri().join("src").join(format!("{module}.rs"));
            let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            syn::parse_file(&text).unwrap_or_else(|e| panic!("{} does not parse: {e}", path.display()))
        });
        let f = file
            .items
            .iter()
            .find_map(|i| match i {
                Item::Fn(f) if f.sig.ident == name => Some(f),
                _ => None,
            })
            .unwrap_or_else(|| panic!("src/{module}.rs has no fn {name}, which lib.rs registers"));
        assert!(
            is_snake_case_command(f),
            "{module}::{name} must be #[tauri::command(rename_all = \"snake_case\")]: the UI sends snake_case names"
        );
        let mut args = Vec::new();
        for input in &f.sig.inputs {
            let FnArg::Typed(pt) = input else {
                panic!("{module}::{name} takes self")
            };
            if last_ident(&pt.ty).is_some_and(|i| INJECTED.contains(&i.as_str())) {
                continue;
            }
            let Pat::Ident(id) = &*pt.pat else {
                panic!("{module}::{name}: every argument needs a plain name")
            };
            let arg = id.ident.to_string();
            types.at = format!("{module}::{name}({arg})");
            match wrapped(&pt.ty, &["Option"]) {
                // tauri reads a missing key of an Option argument as None.
                Some(inner) => {
                    let t = types.ts(inner);
                    args.push((arg, format!("{t} | null"), true));
                }
                None => args.push((arg.clone(), types.ts(&pt.ty), false)),
            }
        }
        types.at = format!("{module}::{name} -> ");
        let result = match &f.sig.output {
            ReturnType::Default => "null".to_owned(),
            // Reply<T> and Result<T, AppError>: the error is the rejected promise.
            ReturnType::Type(_, ty) => types.ts(wrapped(ty, &["Reply", "Result"]).unwrap_or(ty)),
        };
        out.push(Command {
            module: module.to_owned(),
            name: name.to_owned(),
            doc: doc_lines(f),
            args,
            result,
        });
    }
    (out, types.used)
}

/// The text of `commands.ts`.
fn render(exported: &BTreeMap<String, String>) -> String {
    let (commands, used) = commands(exported);
    let mut by_module: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for name in &used {
        by_module.entry(&exported[name]).or_default().push(name);
    }
    let mut s = String::from(
        "// Generated from the commands registered in src-tauri/src/lib.rs by the tests of pos-desktop; do not edit.\n\
         // Rewrite with: UPDATE_TS=1 cargo test -p pos-desktop typescript\n\n",
    );
    for (module, names) in &by_module {
        s.push_str(&format!(
            "import type {{ {} }} from \"./{module}\";\n",
            names.join(", ")
        ));
    }
    s.push_str(
        "\n/**\n * Every command the till registers: its arguments (named as the Rust parameters) and\n * what it answers. \
         A failure is the rejected promise's AppError. ui/src/ipc.ts's `call` takes only these.\n */\n\
         export type Commands = {\n",
    );
    for c in &commands {
        let mut doc = c.doc.clone();
        doc.push(format!(
            "`{}::{}` in src-tauri/src/{}.rs.",
            c.module, c.name, c.module
        ));
        s.push_str("  /**\n");
        for line in doc {
            if line.is_empty() {
                s.push_str("   *\n");
            } else {
                s.push_str(&format!("   * {}\n", line.replace("*/", "* /")));
            }
        }
        s.push_str("   */\n");
        let args = if c.args.is_empty() {
            "Record<string, never>".to_owned()
        } else {
            let fields: Vec<String> = c
                .args
                .iter()
                .map(|(n, t, optional)| format!("{n}{}: {t}", if *optional { "?" } else { "" }))
                .collect();
            format!("{{ {} }}", fields.join("; "))
        };
        s.push_str(&format!(
            "  {}: {{ args: {args}; result: {} }};\n",
            c.name, c.result
        ));
    }
    s.push_str(
        "};\n\n/** The registered commands' names, in registration order. */\nexport const COMMANDS = [\n",
    );
    for c in &commands {
        s.push_str(&format!("  \"{}\",\n", c.name));
    }
    s.push_str("] as const satisfies readonly (keyof Commands)[];\n");
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn commands_ts_lists_every_registered_command_with_its_arguments() {
        let dir = generated_dir();
        let body = render(&exported_types(&dir));
        let path = dir.join("commands.ts");
        if std::env::var_os("UPDATE_TS").is_some() {
            std::fs::write(&path, &body).expect("commands.ts is written");
        }
        let on_disk = std::fs::read_to_string(&path).unwrap_or_default();
        assert!(
            on_disk == body,
            "{} is out of date with the commands: run UPDATE_TS=1 cargo test -p pos-desktop typescript",
            path.display()
        );
    }

    #[test]
    fn arguments_and_results_take_the_generated_types() {
        let body = render(&exported_types(&generated_dir()));
        for expected in [
            "void_line: { args: { order_id: OrderId; line_id: LineId; reason: string; approver?: Approval | null }; result: Order };",
            "sync_enroll: { args: { server_url: string; code: string }; result: SyncView };",
            "list_backups: { args: Record<string, never>; result: BackupInfo[] };",
            "lock: { args: Record<string, never>; result: null };",
        ] {
            assert!(
                body.contains(expected),
                "commands.ts should say {expected}:\n{body}"
            );
        }
    }

    #[test]
    fn a_type_the_ui_does_not_know_is_refused() {
        let exported = BTreeMap::from([("Order".to_owned(), "pos_core".to_owned())]);
        let mut types = Types {
            exported: &exported,
            used: BTreeSet::new(),
            at: "x::y(z)".into(),
        };
        assert_eq!(
            types.ts(&syn::parse_str("Vec<Option<Order>>").expect("a type")),
            "(Order | null)[]"
        );
        let unknown = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            types.ts(&syn::parse_str("Invoice").expect("a type"));
        }));
        assert!(
            unknown.is_err(),
            "Invoice is not generated, so the command's type cannot be checked"
        );
    }
}
