//! docs/objects.md against the catalog, so the two cannot drift: every object has its
//! section with exactly its columns and types, and the summary's aliases and required
//! conditions are the catalog's.

use clerk_fdw::catalog::{find, OBJECTS};
use std::collections::BTreeMap;

fn objects_md() -> String {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../docs/objects.md");
    std::fs::read_to_string(path).expect("docs/objects.md")
}

/// `## name` sections → their `| Column | Type | Value |` rows as (column, type).
fn sections(md: &str) -> BTreeMap<String, Vec<(String, String)>> {
    let mut out = BTreeMap::new();
    let mut current: Option<String> = None;
    for line in md.lines() {
        if let Some(name) = line.strip_prefix("## ") {
            current = Some(name.trim().to_string());
            continue;
        }
        let (Some(name), Some(row)) = (&current, line.strip_prefix("| `")) else {
            continue;
        };
        let cells: Vec<&str> = row.split('|').map(str::trim).collect();
        if cells.len() >= 3 && !cells[0].contains(' ') {
            let col = cells[0].trim_end_matches('`').to_string();
            let ty = cells[1].to_string();
            out.entry(name.clone())
                .or_insert_with(Vec::new)
                .push((col, ty));
        }
    }
    out
}

#[test]
fn every_object_is_documented_with_exactly_its_columns() {
    let md = objects_md();
    let docs = sections(&md);
    assert!(
        md.contains(&format!("exposes {} Clerk objects", OBJECTS.len())),
        "the intro gives the count"
    );
    for o in OBJECTS {
        let Some(rows) = docs.get(o.name) else {
            panic!("docs/objects.md has no section ## {}", o.name)
        };
        let mut want: Vec<(String, String)> = o
            .columns
            .iter()
            .map(|c| (c.name.to_string(), c.def.ty.sql_name().to_string()))
            .collect();
        want.push(("attrs".into(), "jsonb".into()));
        assert_eq!(rows, &want, "columns of {} in docs/objects.md", o.name);
    }
    let documented: Vec<&String> = docs
        .keys()
        .filter(|k| !k.contains(' '))
        .filter(|k| OBJECTS.iter().all(|o| o.name != k.as_str()))
        .collect();
    assert!(
        documented.is_empty(),
        "sections for unknown objects: {documented:?}"
    );
}

#[test]
fn the_summary_has_the_catalogs_aliases_and_required_conditions() {
    let md = objects_md();
    for o in OBJECTS {
        let row = md
            .lines()
            .find(|l| l.starts_with(&format!("| [`{}`]", o.name)))
            .unwrap_or_else(|| panic!("no summary row for {}", o.name));
        let cells: Vec<&str> = row.split('|').map(str::trim).collect();
        let aliases = cells[2];
        for a in o.aliases {
            assert!(aliases.contains(&format!("`{a}`")), "{}: alias {a}", o.name);
        }
        // Path-style names (`billing/plans`) need no alias in the catalog; the ones the
        // summary lists must still find the object.
        for a in aliases.split(", ").filter(|a| *a != "–") {
            let a = a.trim_matches('`');
            assert_eq!(find(a).map(|f| f.name), Some(o.name), "alias {a}");
        }
        let required = cells[6];
        match o.required_route() {
            Some(r) => assert_eq!(required, format!("**`{}`**", r.column), "{}", o.name),
            None => assert_eq!(required, "–", "{}", o.name),
        }
    }
    let n_required = OBJECTS
        .iter()
        .filter(|o| o.required_route().is_some())
        .count();
    let words = [
        "No", "One", "Two", "Three", "Four", "Five", "Six", "Seven", "Eight", "Nine", "Ten",
        "Eleven", "Twelve", "Thirteen",
    ];
    assert!(
        md.contains(&format!(
            "{} objects have no instance-wide list",
            words[n_required]
        )),
        "the count of objects with a required condition"
    );
}

/// The `**Writes**` line an object's section must have: what INSERT and UPDATE can set and
/// what DELETE does, from the catalog.
fn writes_line(o: &clerk_fdw::catalog::Object) -> Option<String> {
    use clerk_fdw::catalog::Delete;
    let w = o.writes?;
    let list = |cols: Vec<&str>| {
        cols.iter()
            .map(|c| format!("`{c}`"))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let insert = match w.create {
        Some(_) => format!(
            "INSERT sets {} and `attrs`",
            list(w.insert.iter().map(|s| s.column).collect())
        ),
        None => "INSERT is refused".to_string(),
    };
    // Columns declared only to be refused with a reason are not settable.
    let settable: Vec<&str> = w
        .update
        .iter()
        .filter(|s| !matches!(s.put, clerk_fdw::catalog::Put::Refused(_)))
        .map(|s| s.column)
        .collect();
    let update = match (settable.is_empty(), w.has_patch()) {
        (true, _) => "UPDATE is refused".to_string(),
        (false, true) => format!("UPDATE sets {} and `attrs`", list(settable)),
        (false, false) => format!("UPDATE sets {}", list(settable)),
    };
    let delete = match w.delete {
        Delete::Delete => "DELETE deletes",
        Delete::Revoke(_) => "DELETE revokes",
        Delete::Refused => "DELETE is refused",
        Delete::Cancel => "DELETE cancels at the end of the current billing period",
    };
    let mut line =
        format!("**Writes** (server option `allow_writes`): {insert}; {update}; {delete}.");
    if w.bulk > 1 {
        line += &format!(
            " INSERT goes through `POST {1}/bulk`, up to {0} rows per request.",
            w.bulk,
            w.create.unwrap()
        );
    }
    if let Some(b) = w.bulk_switch {
        line += &format!(
            " An UPDATE that sets only `{}` sends up to {} rows per request (`POST {}` for true, `POST {}` for false).",
            b.column, b.max, b.paths[0], b.paths[1]
        );
    }
    Some(line)
}

#[test]
fn writable_objects_document_what_each_write_sets() {
    let md = objects_md();
    let mut missing = Vec::new();
    for o in OBJECTS {
        let start = md.find(&format!("\n## {}\n", o.name)).unwrap();
        let end = md[start + 4..]
            .find("\n## ")
            .map_or(md.len(), |e| start + 4 + e);
        let section = &md[start..end];
        match writes_line(o) {
            Some(line) if !section.contains(&line) => missing.push(format!("{}: {line}", o.name)),
            None => assert!(!section.contains("**Writes**"), "{} is read-only", o.name),
            _ => {}
        }
    }
    assert!(
        missing.is_empty(),
        "docs/objects.md lacks:\n{}",
        missing.join("\n")
    );
}
