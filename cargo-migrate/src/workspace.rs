//! Finding the package: the nearest Cargo.toml (fast, no subprocess), or `cargo metadata` for
//! `-p` and virtual workspaces. Converts to our own small `Package` at the boundary.

use std::path::{Path, PathBuf};

use migrate_core::{Config, read_config};

use migrate_runtime::cli::Failure;

/// The package whose migrations a command works on.
#[derive(Debug, Clone)]
pub struct Package {
    /// `package.name`.
    pub name: String,
    /// Its Cargo.toml.
    pub manifest_path: PathBuf,
    /// The folder of its Cargo.toml.
    pub root: PathBuf,
    /// `[package.metadata.migrate]`.
    pub config: Config,
}

impl Package {
    /// The migrations folder on disk.
    pub fn migrations_dir(&self) -> PathBuf {
        self.root.join(&self.config.dir)
    }
}

/// Finds the package: `-p NAME` through cargo metadata; else `--manifest-path` or the nearest
/// Cargo.toml above `cwd`; a virtual workspace manifest picks its one member that has
/// `[package.metadata.migrate]`.
///
/// # Errors
/// No Cargo.toml found, an unreadable or invalid one, an unknown `-p`, an ambiguous virtual
/// workspace, or cargo metadata failing.
pub fn locate(cwd: &Path, manifest_path: Option<&Path>, package: Option<&str>) -> Result<Package, Failure> {
    let manifest = match manifest_path {
        Some(p) => cwd.join(p),
        None => nearest_manifest(cwd)?,
    };
    if let Some(spec) = package {
        return from_metadata(
            &manifest,
            |name| spec.split('@').next() == Some(name),
            &format!("no package `{spec}` in this workspace"),
        );
    }
    let text = read(&manifest)?;
    let doc: toml_edit::DocumentMut =
        text.parse().map_err(|e| Failure::Problem(format!("cannot parse `{}`: {e}", manifest.display())))?;
    match doc.get("package").and_then(|p| p.get("name")).and_then(|n| n.as_str()) {
        Some(name) => package_from(name, &manifest, &text),
        None => from_metadata(&manifest, |_| true, "this virtual workspace has no members"),
    }
}

fn nearest_manifest(cwd: &Path) -> Result<PathBuf, Failure> {
    cwd.ancestors().map(|dir| dir.join("Cargo.toml")).find(|p| p.is_file()).ok_or_else(|| {
        Failure::Problem(format!(
            "no Cargo.toml in `{}` or any parent folder; run inside a package or pass --manifest-path",
            cwd.display()
        ))
    })
}

fn read(manifest: &Path) -> Result<String, Failure> {
    std::fs::read_to_string(manifest)
        .map_err(|e| Failure::Problem(format!("cannot read `{}`: {e}", manifest.display())))
}

fn package_from(name: &str, manifest: &Path, text: &str) -> Result<Package, Failure> {
    let config = read_config(&manifest.display().to_string(), text)
        .map_err(|d| Failure::Invalid(migrate_core::Diagnostics(vec![d])))?;
    let root = manifest.parent().map(Path::to_path_buf).unwrap_or_default();
    Ok(Package { name: name.to_owned(), manifest_path: manifest.to_path_buf(), root, config })
}

/// Picks a workspace member through `cargo metadata`: the one `wanted` accepts, or, among
/// several, the one with `[package.metadata.migrate]`.
fn from_metadata(manifest: &Path, wanted: impl Fn(&str) -> bool, none_msg: &str) -> Result<Package, Failure> {
    let metadata = cargo_metadata::MetadataCommand::new()
        .manifest_path(manifest)
        .no_deps()
        .exec()
        .map_err(|e| Failure::Problem(format!("cargo metadata failed for `{}`: {e}", manifest.display())))?;
    let members: Vec<&cargo_metadata::Package> =
        metadata.workspace_packages().into_iter().filter(|p| wanted(&p.name)).collect();
    let chosen = match members.as_slice() {
        [] => return Err(Failure::Usage(none_msg.to_owned())),
        [one] => *one,
        many => {
            let with_config: Vec<&&cargo_metadata::Package> =
                many.iter().filter(|p| p.metadata.get("migrate").is_some()).collect();
            match with_config.as_slice() {
                [one] => **one,
                _ => {
                    let names: Vec<&str> = many.iter().map(|p| p.name.as_str()).collect();
                    return Err(Failure::Usage(format!(
                        "this workspace has several packages ({}); pick one with -p",
                        names.join(", ")
                    )));
                }
            }
        }
    };
    let path = chosen.manifest_path.as_std_path();
    package_from(&chosen.name, path, &read(path)?)
}
