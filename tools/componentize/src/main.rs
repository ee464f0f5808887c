//! `componentize <core.wasm> <component.wasm>`: turn a core module that carries its WIT
//! (the `component-type` section wit-bindgen embeds) into a component, as `cargo component`
//! does. `scripts/build.sh` runs it after `wasm-opt`, which only reads core modules.
//!
//! The encoder adds two small core modules of its own (the shims that tie the component's
//! imports together) with a `name` section of debug names, and a `producers` section to
//! every module. Nothing reads them at run time, and the host compiles every byte of the
//! component on every query (size is latency), so they are stripped, as `strip = true`
//! strips the main module: about 1.6 KB. The result is validated again.

use anyhow::{bail, Context, Result};

/// Custom sections that only describe the build, never what the code does.
const STRIPPED: &[&str] = &["name", "producers"];

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
    let component = strip(&component).context("stripping build metadata")?;
    wasmparser::Validator::new_with_features(wasmparser::WasmFeatures::all())
        .validate_all(&component)
        .context("validating the stripped component")?;
    std::fs::write(out, component).with_context(|| format!("writing {out}"))?;
    Ok(())
}

/// A module or component binary without the `STRIPPED` custom sections, in itself and in
/// the core modules and components it nests.
fn strip(binary: &[u8]) -> Result<Vec<u8>> {
    let Some((header, mut rest)) = binary.split_at_checked(8) else {
        bail!("not a wasm binary");
    };
    let nested = header[6..8] == [1, 0]; // the layer field: 1 is a component
    let mut out = header.to_vec();
    while let [id, tail @ ..] = rest {
        let (size, tail) = leb(tail)?;
        let Some((payload, after)) = tail.split_at_checked(size) else {
            bail!("a section runs past the end");
        };
        rest = after;
        let payload = match (*id, nested) {
            (0, _) if STRIPPED.contains(&custom_name(payload)?) => continue,
            // A component's core module section (1) and component section (4) nest whole
            // binaries.
            (1 | 4, true) => strip(payload)?,
            _ => payload.to_vec(),
        };
        out.push(*id);
        push_leb(&mut out, payload.len());
        out.extend_from_slice(&payload);
    }
    Ok(out)
}

/// The name of a custom section, from its payload.
fn custom_name(payload: &[u8]) -> Result<&str> {
    let (len, tail) = leb(payload)?;
    let name = tail
        .get(..len)
        .context("a custom section name runs past its section")?;
    Ok(std::str::from_utf8(name)?)
}

/// An unsigned LEB128 number and what follows it.
fn leb(bytes: &[u8]) -> Result<(usize, &[u8])> {
    let mut value = 0usize;
    for (i, b) in bytes.iter().enumerate().take(5) {
        value |= usize::from(b & 0x7f) << (7 * i);
        if b & 0x80 == 0 {
            return Ok((value, &bytes[i + 1..]));
        }
    }
    bail!("a malformed section size")
}

fn push_leb(out: &mut Vec<u8>, mut value: usize) {
    loop {
        let byte = (value & 0x7f) as u8;
        value >>= 7;
        if value == 0 {
            out.push(byte);
            return;
        }
        out.push(byte | 0x80);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn leb_round_trips() {
        for v in [0, 1, 127, 128, 300, 16_383, 16_384, 1 << 28] {
            let mut out = Vec::new();
            push_leb(&mut out, v);
            out.push(0xAA);
            assert_eq!(leb(&out).unwrap(), (v, &[0xAA][..]));
        }
        assert!(leb(&[0x80, 0x80]).is_err());
    }

    #[test]
    fn only_build_metadata_is_stripped() {
        // A core module: a `producers` section, a custom section of another name, a type
        // section.
        let custom = |name: &str, body: &[u8]| {
            let mut p = vec![name.len() as u8];
            p.extend_from_slice(name.as_bytes());
            p.extend_from_slice(body);
            let mut s = vec![0, p.len() as u8];
            s.extend(p);
            s
        };
        let mut module = b"\0asm\x01\0\0\0".to_vec();
        module.extend(custom("producers", b"xyz"));
        module.extend(custom("keep", b"1"));
        module.extend([1, 4, 1, 0x60, 0, 0]);
        let mut kept = b"\0asm\x01\0\0\0".to_vec();
        kept.extend(custom("keep", b"1"));
        kept.extend([1, 4, 1, 0x60, 0, 0]);
        assert_eq!(strip(&module).unwrap(), kept);
        // Nested in a component (layer 1), with a `name` section beside it.
        let component = |inner: &[u8], extra: &[u8]| {
            let mut c = b"\0asm\x0d\0\x01\0".to_vec();
            c.push(1);
            c.push(inner.len() as u8);
            c.extend_from_slice(inner);
            c.extend_from_slice(extra);
            c
        };
        assert_eq!(
            strip(&component(&module, &custom("name", b"ab"))).unwrap(),
            component(&kept, &[])
        );
        assert!(strip(&module[..module.len() - 1]).is_err());
    }
}
