//! One integration-test binary: the real server on port 0, the real `hashinsight` binary, and
//! the store contract, on SQLite always and on PostgreSQL when configured (always in CI).

mod cli;
mod helpers;
mod http;
mod store_contract;
