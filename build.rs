//! Rebuild when a migration changes: they are embedded in the binary by
//! `embed_migrations!`, which does not tell cargo about the files it reads.
fn main() {
    println!("cargo:rerun-if-changed=migrations");
}
