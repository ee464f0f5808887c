//! The component imports only the host functions it calls, so it also loads on Wrappers
//! releases that predate `get-vault-secret-by-name` (0.6.0) and `query-setting` (0.6.2), and
//! it never asks for `jwt`.

use clerk_fdw_testhost::host::Host;
use wasmtime::component::types::ComponentItem;
use wasmtime::component::Component;
use wasmtime::{Config, Engine};

#[test]
fn imports_are_minimal_and_exports_match_the_host() {
    let path = Host::default_wasm_path();
    let engine = Engine::new(&Config::new()).unwrap();
    let component = Component::from_file(&engine, &path).unwrap_or_else(|e| {
        panic!(
            "{}: {e:#}; build it with `bash scripts/build.sh`",
            path.display()
        )
    });
    let ty = component.component_type();

    let mut imported: Vec<String> = vec![];
    for (name, item) in ty.imports(&engine) {
        match item {
            ComponentItem::ComponentInstance(inst) => {
                for (func, _) in inst.exports(&engine) {
                    imported.push(format!("{name}#{func}"));
                }
            }
            _ => imported.push(name.to_string()),
        }
    }
    imported.sort();
    for banned in ["jwt", "get-vault-secret-by-name", "query-setting"] {
        assert!(
            !imported.iter().any(|i| i.contains(banned)),
            "{banned} must not be imported: {imported:?}"
        );
    }
    for needed in [
        "supabase:wrappers/http@0.2.0#get",
        "supabase:wrappers/utils@0.2.0#get-vault-secret",
        "supabase:wrappers/stats@0.2.0#inc-stats",
        "supabase:wrappers/time@0.2.0#sleep",
    ] {
        assert!(
            imported.iter().any(|i| i == needed),
            "{needed} missing: {imported:?}"
        );
    }
    let exports: Vec<String> = ty.exports(&engine).map(|(n, _)| n.to_string()).collect();
    assert_eq!(
        exports,
        vec!["supabase:wrappers/routines@0.2.0".to_string()]
    );
}
