//! `componentize <core.wasm> <component.wasm>`: turn a core module that carries its WIT
//! (the `component-type` section wit-bindgen embeds) into a component, as `cargo component`
//! does. `scripts/build.sh` runs it after `wasm-opt`, which only reads core modules.

use anyhow::{bail, Context, Result};

fn main() -> Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [core, out] = args.as_slice() else {
        bail!("usage: componentize <core.wasm> <component.wasm>");
    };
    let module = std::fs::read(core).with_context(|| format!("reading {core}"))?;
    let component = wit_component::ComponentEncoder::default()
        .module(&module)
        .context("reading the module's component-type section")?
        .validate(true)
        .encode()
        .context("encoding the component")?;
    std::fs::write(out, component).with_context(|| format!("writing {out}"))?;
    Ok(())
}
