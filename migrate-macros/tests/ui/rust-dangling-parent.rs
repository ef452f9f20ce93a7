static MIGRATIONS: migrate_runtime::Migrations = migrate_runtime::embed_migrations!("fixtures/rust-dangling-parent", database = "sqlite");

fn main() {
    println!("{}", MIGRATIONS.len());
}
