//! Tests of autogenerate across diff, plan and render (models built by hand).
