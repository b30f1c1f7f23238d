//! The layers, checked from the code's own imports: `domain/` is the bottom floor (no other
//! module of the crate, no Slack or HTTP types), `commands/` parses text with nothing but the
//! domain, `store/` sees only the domain, and `slack/` renders and calls Slack without reaching
//! up into the state, the services, the jobs or the HTTP edge.
use std::collections::BTreeSet;
use std::path::Path;

/// The crate's top-level modules a file refers to (`crate::x…`, `use crate::{x, y::z}`), and
/// the outside crates among `forbidden_crates` it names.
fn references(source: &str) -> BTreeSet<String> {
    let mut found = BTreeSet::new();
    let mut rest = source;
    while let Some(i) = rest.find("crate::") {
        rest = &rest[i + "crate::".len()..];
        if let Some(group) = rest.strip_prefix('{') {
            let end = group.find('}').unwrap_or(group.len());
            for item in group[..end].split(',') {
                let name: String = item
                    .trim()
                    .chars()
                    .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                    .collect();
                if !name.is_empty() {
                    found.insert(name);
                }
            }
        } else {
            let name: String = rest
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                .collect();
            found.insert(name);
        }
    }
    for outside in ["slack_morphism", "axum", "hyper"] {
        if source.contains(&format!("{outside}::")) {
            found.insert(outside.to_owned());
        }
    }
    found
}

fn sources(dir: &str) -> Vec<(String, String)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src").join(dir);
    let mut out = Vec::new();
    let mut stack = vec![root];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                let text = std::fs::read_to_string(&path).unwrap();
                out.push((path.display().to_string(), text));
            }
        }
    }
    assert!(!out.is_empty(), "no sources under src/{dir}");
    out
}

/// Fails listing every file of `dir` that refers to one of `forbidden`.
fn assert_layer(dir: &str, forbidden: &[&str]) {
    let mut breaches = Vec::new();
    for (path, text) in sources(dir) {
        for name in references(&text) {
            if forbidden.contains(&name.as_str()) {
                breaches.push(format!("{path} uses {name}"));
            }
        }
    }
    assert!(
        breaches.is_empty(),
        "layering broken:\n{}",
        breaches.join("\n")
    );
}

const ABOVE_DOMAIN: &[&str] = &[
    "commands",
    "store",
    "slack",
    "http",
    "service",
    "jobs",
    "state",
    "config",
    "clock",
    "startup",
    "delivery",
    "files",
    "demo",
    "cli",
    "slack_morphism",
    "axum",
    "hyper",
];

#[test]
fn the_import_scanner_sees_plain_and_grouped_paths() {
    let found = references(
        "use crate::{store::members, slack};\nfn f() { crate::http::router(); }\nuse slack_morphism::prelude::*;",
    );
    let expected: BTreeSet<String> = ["store", "slack", "http", "slack_morphism"]
        .map(String::from)
        .into();
    assert_eq!(found, expected);
}

#[test]
fn the_domain_imports_nothing_above_it() {
    assert_layer("domain", ABOVE_DOMAIN);
}

/// A layer that may use the domain and itself, nothing else.
fn assert_only_the_domain(layer: &str) {
    let forbidden: Vec<&str> = ABOVE_DOMAIN
        .iter()
        .copied()
        .filter(|m| *m != layer)
        .collect();
    assert_layer(layer, &forbidden);
}

#[test]
fn commands_parse_text_with_the_domain_alone() {
    assert_only_the_domain("commands");
}

#[test]
fn the_store_sees_only_the_domain() {
    assert_only_the_domain("store");
}

#[test]
fn slack_renders_and_calls_without_reaching_up() {
    assert_layer(
        "slack",
        &[
            "http", "service", "jobs", "state", "startup", "delivery", "demo", "cli",
        ],
    );
}

/// Fails when the file `src/{file}` refers to one of `forbidden`.
fn assert_file(file: &str, forbidden: &[&str]) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("src").join(file);
    let text = std::fs::read_to_string(&path).unwrap();
    let breaches: Vec<String> = references(&text)
        .into_iter()
        .filter(|name| forbidden.contains(&name.as_str()))
        .collect();
    assert!(breaches.is_empty(), "src/{file} uses {breaches:?}");
}

#[test]
fn files_are_made_from_the_domain_and_the_store_alone() {
    assert_layer(
        "files",
        &[
            "commands",
            "slack",
            "http",
            "service",
            "jobs",
            "state",
            "config",
            "startup",
            "delivery",
            "demo",
            "cli",
            "slack_morphism",
            "axum",
            "hyper",
        ],
    );
}

#[test]
fn the_edges_forward_to_services_and_never_touch_the_store() {
    // HTTP and Socket Mode verify, decode and hand a typed request on; transactions and SQL
    // happen below them, in `service/` and `store/`.
    assert_layer("http", &["store"]);
    assert_file("socket.rs", &["store"]);
}

/// Every top-level module of the crate (a file or a folder under `src/`), but the roots.
fn top_level_modules() -> Vec<String> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut names: Vec<String> = std::fs::read_dir(&root)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter_map(|p| {
            let name = p.file_stem()?.to_str()?.to_owned();
            (p.is_dir() || p.extension().is_some_and(|e| e == "rs")).then_some(name)
        })
        .filter(|n| n != "lib" && n != "main")
        .collect();
    names.sort();
    names.dedup();
    names
}

/// The top-level modules `module` refers to (itself left out).
fn uses_of(module: &str, all: &[String]) -> BTreeSet<String> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let texts: Vec<String> = if root.join(module).is_dir() {
        sources(module).into_iter().map(|(_, t)| t).collect()
    } else {
        vec![std::fs::read_to_string(root.join(format!("{module}.rs"))).unwrap()]
    };
    texts
        .iter()
        .flat_map(|t| references(t))
        .filter(|r| r != module && all.contains(r))
        .collect()
}

#[test]
fn no_two_top_level_modules_depend_on_each_other_even_through_others() {
    let all = top_level_modules();
    assert!(
        ["crypto", "socket", "delivery", "demo", "store", "service"]
            .iter()
            .all(|m| all.iter().any(|a| a == m)),
        "{all:?}"
    );
    let graph: Vec<(String, BTreeSet<String>)> =
        all.iter().map(|m| (m.clone(), uses_of(m, &all))).collect();
    let uses = |m: &str| {
        graph
            .iter()
            .find(|(n, _)| n == m)
            .map(|(_, u)| u.clone())
            .unwrap_or_default()
    };
    let mut cycles = Vec::new();
    for (start, _) in &graph {
        // Every module reachable from `start`; a path back to it is a cycle.
        let mut seen = BTreeSet::new();
        let mut stack: Vec<(String, Vec<String>)> = vec![(start.clone(), vec![start.clone()])];
        while let Some((m, path)) = stack.pop() {
            for next in uses(&m) {
                if next == *start {
                    cycles.push(format!("{} -> {start}", path.join(" -> ")));
                } else if seen.insert(next.clone()) {
                    let mut p = path.clone();
                    p.push(next.clone());
                    stack.push((next, p));
                }
            }
        }
    }
    assert!(cycles.is_empty(), "import cycles:\n{}", cycles.join("\n"));
}

#[test]
fn only_the_store_knows_how_a_write_runs() {
    // A service calls one store function per business write; whether it runs in-thread on
    // SQLite's handle or through sqlx, on which backend, and in what SQL is the store's
    // business alone.
    let words = [
        "rusqlite",
        "write_in_thread",
        "InThread",
        "is_postgres",
        "Conn::Pg",
        "Conn::Lite",
        "Reader::Pg",
        "Reader::Lite",
        "sqlx::query",
        "\"SELECT ",
        "\"INSERT ",
        "\"UPDATE ",
        "\"DELETE ",
    ];
    let mut breaches = Vec::new();
    for module in top_level_modules().iter().filter(|m| *m != "store") {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
        let files = if root.join(module).is_dir() {
            sources(module)
        } else {
            let path = root.join(format!("{module}.rs"));
            vec![(
                path.display().to_string(),
                std::fs::read_to_string(&path).unwrap(),
            )]
        };
        for (path, text) in files {
            for word in words {
                if text.contains(word) {
                    breaches.push(format!("{path} names {word}"));
                }
            }
        }
    }
    assert!(breaches.is_empty(), "{}", breaches.join("\n"));
}

#[test]
fn no_source_file_is_over_450_lines() {
    // A file a newcomer can read in one sitting: past that, it is doing two things.
    let mut long = Vec::new();
    for (path, text) in sources("") {
        let lines = text.lines().count();
        if lines > 450 {
            long.push(format!("{path}: {lines} lines"));
        }
    }
    assert!(
        long.is_empty(),
        "split these by what they do:\n{}",
        long.join("\n")
    );
}

#[test]
fn the_store_spells_no_vocabulary_word_of_its_own() {
    // Statuses, stages, outcomes, kinds and sources live in SQL as the domain's words
    // (`as_str`), written into a statement from `store/vocab.rs`, never quoted by hand: a
    // second spelling is one a rename would miss.
    use momentum::domain::calendar::LinkKind;
    use momentum::domain::goals::Metric;
    use momentum::domain::{
        BlockStatus, Channel, OutboxStatus, Outcome, ProspectStatus, Stage, WinKind, WinSource,
    };
    fn words<T: Copy + Into<&'static str>>(all: &[T]) -> Vec<&'static str> {
        all.iter().map(|v| (*v).into()).collect()
    }
    let vocabulary: Vec<&str> = [
        words(WinKind::ALL),
        words(Channel::ALL),
        words(Outcome::ALL),
        words(ProspectStatus::ALL),
        words(Stage::ALL),
        words(WinSource::ALL),
        words(OutboxStatus::ALL),
        words(BlockStatus::ALL),
        words(LinkKind::ALL),
        words(Metric::ALL),
    ]
    .concat();
    let mut spelled = Vec::new();
    for (path, text) in sources("store") {
        for word in &vocabulary {
            if text.contains(&format!("'{word}'")) {
                spelled.push(format!("{path} quotes '{word}'"));
            }
        }
    }
    assert!(spelled.is_empty(), "{}", spelled.join("\n"));
}

#[test]
fn nothing_is_rendered_inside_a_write() {
    // A write holds the one writer: Slack payloads are rendered before it (or planned on a
    // read and checked by it: `store::Stale`), never inside the closure `Db::write` runs.
    let renderers = [
        "messages::",
        "shoutout::",
        "nudge::",
        "reminder::",
        "modals::",
        "home::render",
        "digest::render",
    ];
    let mut inside = Vec::new();
    for dir in ["service", "jobs", "delivery"] {
        for (path, text) in sources(dir) {
            for (i, _) in text.match_indices(".write(") {
                let call = write_call(&text[i + ".write".len()..]);
                for r in renderers {
                    if call.contains(r) {
                        inside.push(format!("{path}: {r} inside a write"));
                    }
                }
            }
        }
    }
    assert!(inside.is_empty(), "{}", inside.join("\n"));
}

/// The argument list of a call, from its `(` to the matching `)` (string literals skipped).
fn write_call(from_paren: &str) -> &str {
    let (mut depth, mut quoted, mut escaped) = (0usize, false, false);
    for (i, c) in from_paren.char_indices() {
        match c {
            _ if escaped => escaped = false,
            '\\' if quoted => escaped = true,
            '"' => quoted = !quoted,
            '(' if !quoted => depth += 1,
            ')' if !quoted => {
                depth -= 1;
                if depth == 0 {
                    return &from_paren[..=i];
                }
            }
            _ => {}
        }
    }
    from_paren
}
