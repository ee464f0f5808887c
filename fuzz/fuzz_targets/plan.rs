//! Qual → request planning: any value in any pushable qual of any object yields catalog
//! paths with at most the percent-encoded value in place of `{}`; never a panic, never a
//! path escape or an extra parameter.
#![no_main]

use clerk_fdw::catalog::OBJECTS;
use clerk_fdw::model::{Qual, QualValue};
use clerk_fdw::plan::plan;
use clerk_fdw::url::encode;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((&pick, rest)) = data.split_first() else {
        return;
    };
    let Ok(value) = std::str::from_utf8(rest) else {
        return;
    };
    let obj = &OBJECTS[pick as usize % OBJECTS.len()];
    let column = obj.columns[(pick as usize / OBJECTS.len()) % obj.columns.len()].name;
    for (op, values) in [
        ("=", vec![QualValue::Text(value.into())]),
        ("=", vec![QualValue::Text(value.into()), QualValue::Text("x".into())]),
        (">=", vec![QualValue::Timestamp(value.len() as i64 * 1_000_000_007)]),
    ] {
        let is_list = values.len() > 1;
        let q = Qual { field: column.into(), op: op.into(), values, is_list };
        let Ok(fetches) = plan(obj, &[q], &[column]) else {
            continue;
        };
        let mut templates: Vec<&str> = obj.lookups.iter().map(|l| l.path).collect();
        templates.extend(obj.routes.iter().map(|r| r.endpoint.path));
        templates.extend(obj.list.iter().map(|e| e.path));
        for f in fetches {
            let ok = templates.iter().any(|t| {
                *t == f.path
                    || t.replace("{}", &encode(value)) == f.path
                    || t.replace("{}", "x") == f.path
            });
            assert!(ok, "{value:?} on {}.{column} -> {}", obj.name, f.path);
        }
    }
});
