//! Autogenerate's pure half: the schema model a catalog reader fills ([`model`]), the diff of
//! two models, and the plan that turns a diff into SQL per dialect. No I/O: the runtime reads
//! the models from scratch databases, this module says what changed and writes the SQL.

pub mod model;

pub use model::{Check, Column, EnumType, ForeignKey, Generated, Index, Key, Schema, Table, Unmanaged, View};
