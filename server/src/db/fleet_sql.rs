//! The fleet SQL both engines share, and the builders for the statements whose shape depends
//! on the request (the miner table's filters and sort, multi-row inserts, `in` lists).
//! The engines diverge in two places only, both named by [`Dialect`].

use std::fmt::Write as _;

use domain::fleet::query::ONLINE_WINDOW_MS;
use domain::fleet::{Approval, MinerQuery, MinerSort};

/// What differs between the engines' SQL.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dialect {
    Sqlite,
    Postgres,
}

impl Dialect {
    /// How a write transaction starts. SQLite takes the write lock up front, so an import's
    /// duplicate checks and its inserts see the same database (a deferred transaction would
    /// fail at its first write if another writer committed in between).
    pub const fn begin_write(self) -> &'static str {
        match self {
            Self::Sqlite => "begin immediate",
            Self::Postgres => "begin",
        }
    }

    /// Text sorted by code point on both engines (a PostgreSQL database's default collation
    /// may ignore punctuation and case, so serials would order differently per engine).
    fn text_key(self, column: &str) -> String {
        match self {
            Self::Sqlite => column.to_owned(),
            Self::Postgres => format!("{column} collate \"C\""),
        }
    }

    /// An IPv4 column's sort keys, numeric octet by octet. Stored addresses are canonical
    /// dotted quads (`NewMiner::validate`), so the expressions always parse.
    fn ip_keys(self, column: &str) -> Vec<String> {
        match self {
            Self::Postgres => vec![format!("{column}::inet")],
            Self::Sqlite => {
                // CAST of text to integer reads the longest integer prefix: "10.0.0.9" → 10.
                let mut rest = column.to_owned();
                let mut keys = vec![format!("cast({rest} as integer)")];
                for _ in 0..3 {
                    rest = format!("substr({rest}, instr({rest}, '.') + 1)");
                    keys.push(format!("cast({rest} as integer)"));
                }
                keys
            }
        }
    }
}

pub const MINER_COLUMNS: &str = "m.miner_id, m.site_id, m.customer_id, m.asic_model_id, \
    m.model_name, m.serial, m.ip, m.mac, m.rack, m.status, m.approval, m.approval_note, \
    m.approved_by_user_id, m.created_at_ms, m.updated_at_ms";

const SITE_COLUMNS: &str =
    "site_id, name, location, capacity_mw, tariff, owner_user_id, created_at_ms, updated_at_ms";
const CUSTOMER_COLUMNS: &str =
    "customer_id, name, contact_email, user_id, created_at_ms, updated_at_ms";
const KEY_COLUMNS: &str = "key_hash, site_id, label, created_at_ms, last_used_at_ms, revoked_at_ms";

pub fn insert_site() -> String {
    format!(
        "insert into site (name, location, capacity_mw, tariff, owner_user_id, created_at_ms,
             updated_at_ms)
         values ($1, $2, $3, $4, $5, $6, $6) returning {SITE_COLUMNS}"
    )
}

pub fn update_site() -> String {
    format!(
        "update site set name = $1, location = $2, capacity_mw = $3, tariff = $4,
             owner_user_id = $5, updated_at_ms = $6
         where site_id = $7 returning {SITE_COLUMNS}"
    )
}

pub fn select_site(condition: &str) -> String {
    format!("select {SITE_COLUMNS} from site where {condition} order by name, site_id")
}

pub const DELETE_SITE: &str = "delete from site where site_id = $1";
pub const SITE_EXISTS: &str = "select site_id from site where site_id = $1";

pub fn insert_customer() -> String {
    format!(
        "insert into customer (name, contact_email, user_id, created_at_ms, updated_at_ms)
         values ($1, $2, $3, $4, $4) returning {CUSTOMER_COLUMNS}"
    )
}

pub fn update_customer() -> String {
    format!(
        "update customer set name = $1, contact_email = $2, user_id = $3, updated_at_ms = $4
         where customer_id = $5 returning {CUSTOMER_COLUMNS}"
    )
}

pub fn select_customer(condition: &str) -> String {
    format!("select {CUSTOMER_COLUMNS} from customer where {condition} order by name, customer_id")
}

pub const DELETE_CUSTOMER: &str = "delete from customer where customer_id = $1";

pub fn select_miner() -> String {
    format!("select {MINER_COLUMNS} from miner m where m.miner_id = $1")
}

pub fn update_miner() -> String {
    let columns = MINER_COLUMNS.replace("m.", "");
    format!(
        "update miner set customer_id = $1, asic_model_id = $2, model_name = $3, serial = $4,
             ip = $5, mac = $6, rack = $7, status = $8, updated_at_ms = $9
         where miner_id = $10 returning {columns}"
    )
}

pub fn site_inventory() -> String {
    format!(
        "select {MINER_COLUMNS}, c.name as customer_name from miner m
         left join customer c on c.customer_id = m.customer_id
         where m.site_id = $1 order by m.serial"
    )
}

pub const MINER_TARGETS: &str = "
    select m.miner_id, m.ip, a.power_w, a.hashrate_hs from miner m
    left join asic_model a on a.asic_model_id = m.asic_model_id
    where m.site_id = $1 and m.approval = 'approved' and m.status <> 'retired'
    order by m.miner_id";

pub const SITES_WITHOUT_COLLECTOR: &str = "
    select site_id from site s
    where not exists (
        select 1 from collector_key k where k.site_id = s.site_id and k.revoked_at_ms is null)
    order by site_id";

pub const CUSTOMER_SITE_IDS: &str =
    "select distinct site_id from miner where customer_id = $1 order by site_id";

pub fn insert_key() -> String {
    format!(
        "insert into collector_key (key_hash, site_id, label, created_at_ms)
         values ($1, $2, $3, $4) returning {KEY_COLUMNS}"
    )
}

pub fn list_keys() -> String {
    format!(
        "select {KEY_COLUMNS} from collector_key where site_id = $1
         order by revoked_at_ms is not null, created_at_ms desc, key_hash"
    )
}

pub const KEY_SITE: &str = "
    select site_id, last_used_at_ms from collector_key
    where key_hash = $1 and revoked_at_ms is null";
pub const TOUCH_KEY: &str = "update collector_key set last_used_at_ms = $2 where key_hash = $1";
/// `$2` is a `like` prefix pattern.
pub const KEYS_BY_PREFIX: &str =
    "select key_hash from collector_key where site_id = $1 and key_hash like $2 escape '\\'";
pub const REVOKE_KEY: &str = "
    update collector_key set revoked_at_ms = coalesce(revoked_at_ms, $2) where key_hash = $1";

/// A use of a key is recorded when the last one is older than this, ms.
pub const KEY_TOUCH_INTERVAL_MS: i64 = 60_000;

/// Rows per multi-row insert, and values per `in (…)` list. Small on purpose: sqlx binds
/// SQLite's numbered parameters in time that grows with the square of their count (20,000 rows
/// took 26 s in chunks of 4,000 rows; see `benches/miner_list.rs`).
pub const INSERT_CHUNK_ROWS: usize = 200;
pub const IN_LIST_CHUNK: usize = 500;
const SQLITE_MAX_PARAMETERS: usize = 32_766;
const _: () = assert!(2 + INSERT_CHUNK_ROWS * 8 <= SQLITE_MAX_PARAMETERS);
// One list value beside at most one fixed parameter (the site).
const _: () = assert!(IN_LIST_CHUNK < SQLITE_MAX_PARAMETERS);

/// `$first, $first+1, …` for `count` parameters.
pub fn placeholders(first: usize, count: usize) -> String {
    let mut text = String::with_capacity(count * 7);
    for n in first..first + count {
        if n > first {
            text.push_str(", ");
        }
        let _ = write!(text, "${n}");
    }
    text
}

/// Inserts `rows` drafts of site `$1` at time `$2`; each row binds `customer_id`,
/// `asic_model_id`, `model_name`, `serial`, `ip`, `mac`, `rack`, `status`. A row hitting a unique constraint that another
/// writer claimed since the checks is skipped rather than failing the import.
pub fn insert_miners(rows: usize) -> String {
    let mut sql = String::from(
        "insert into miner (site_id, customer_id, asic_model_id, model_name, serial, ip, mac,
             rack, status, approval, created_at_ms, updated_at_ms) values ",
    );
    for row in 0..rows {
        if row > 0 {
            sql.push_str(", ");
        }
        let _ = write!(
            sql,
            "($1, {}, 'draft', $2, $2)",
            placeholders(3 + row * 8, 8)
        );
    }
    sql.push_str(" on conflict do nothing returning miner_id, serial");
    sql
}

/// `$1` is the new state, `$2` the note, `$3` the reviewer, `$4` the time, `$5` the site;
/// then the miner ids. Only miners in a state that may move to `next` are written.
pub fn set_approval(next: Approval, ids: usize) -> String {
    let sources: Vec<String> = Approval::sources_of(next)
        .into_iter()
        .map(|s| format!("'{}'", s.as_str()))
        .collect();
    format!(
        "update miner set approval = $1, approval_note = $2, approved_by_user_id = $3,
             updated_at_ms = $4
         where site_id = $5 and approval in ({}) and miner_id in ({})
         returning miner_id",
        sources.join(", "),
        placeholders(6, ids)
    )
}

pub fn approvals_of(ids: usize) -> String {
    format!(
        "select miner_id, approval from miner where site_id = $1 and miner_id in ({})",
        placeholders(2, ids)
    )
}

pub fn delete_miners(ids: usize) -> String {
    format!(
        "delete from miner where site_id = $1 and miner_id in ({})",
        placeholders(2, ids)
    )
}

/// A value of a dynamically built statement, bound in order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Arg {
    Int(i64),
    Text(String),
}

/// The miner table's two statements: the page and the count of all matches.
#[derive(Debug)]
pub struct MinerListSql {
    /// Binds `args`, then the limit and the offset.
    pub page: String,
    /// Binds `args`.
    pub count: String,
    pub args: Vec<Arg>,
}

struct Filters {
    clauses: Vec<String>,
    args: Vec<Arg>,
    needs_live: bool,
}

impl Filters {
    fn push(&mut self, clause: impl FnOnce(usize) -> String, arg: Arg) {
        self.args.push(arg);
        self.clauses.push(clause(self.args.len()));
    }
}

fn filters(query: &MinerQuery, now_ms: i64) -> Filters {
    let mut f = Filters {
        clauses: Vec::new(),
        args: Vec::new(),
        needs_live: false,
    };
    if let Some(site_id) = query.site_id {
        f.push(|n| format!("m.site_id = ${n}"), Arg::Int(site_id));
    }
    if let Some(customer_id) = query.customer_id {
        f.push(|n| format!("m.customer_id = ${n}"), Arg::Int(customer_id));
    }
    if let Some(status) = query.status {
        f.push(
            |n| format!("m.status = ${n}"),
            Arg::Text(status.code().into()),
        );
    }
    if let Some(approval) = query.approval {
        f.push(
            |n| format!("m.approval = ${n}"),
            Arg::Text(approval.as_str().into()),
        );
    }
    if let Some(online) = query.online {
        f.needs_live = true;
        let cutoff = Arg::Int(now_ms - ONLINE_WINDOW_MS);
        if online {
            f.push(|n| format!("l.last_seen_ms >= ${n}"), cutoff);
        } else {
            f.push(
                |n| format!("(l.last_seen_ms is null or l.last_seen_ms < ${n})"),
                cutoff,
            );
        }
    }
    if let Some(search) = query.search_text() {
        let pattern = crate::db::account_sql::like_pattern(&search.to_lowercase(), false);
        f.push(
            |n| {
                format!(
                    "(lower(m.serial) like ${n} escape '\\' or m.ip like ${n} escape '\\'
                      or m.mac like ${n} escape '\\' or lower(m.rack) like ${n} escape '\\'
                      or lower(m.model_name) like ${n} escape '\\')"
                )
            },
            Arg::Text(pattern),
        );
    }
    f
}

/// The sort keys of `sort`, and whether they can be null (sorted last in both directions,
/// as the engines disagree on where nulls go by default).
fn sort_keys(sort: MinerSort, dialect: Dialect) -> (Vec<String>, bool) {
    let text = |column: &str| vec![dialect.text_key(column)];
    match sort {
        MinerSort::Serial => (text("m.serial"), false),
        MinerSort::Ip => (dialect.ip_keys("m.ip"), false),
        MinerSort::Rack => (text("m.rack"), false),
        MinerSort::Model => (text("m.model_name"), false),
        MinerSort::Status => (vec!["m.status".into()], false),
        MinerSort::Customer => (text("c.name"), true),
        MinerSort::Hashrate => (vec!["l.hashrate_hs".into()], true),
        MinerSort::TempMax => (vec!["l.temp_max_c".into()], true),
        MinerSort::Power => (vec!["l.power_w".into()], true),
        MinerSort::LastSeen => (vec!["l.last_seen_ms".into()], true),
    }
}

fn order_by(query: &MinerQuery, dialect: Dialect) -> String {
    let direction = if query.descending { "desc" } else { "asc" };
    let (keys, nullable) = sort_keys(query.sort, dialect);
    let mut terms = Vec::with_capacity(keys.len() + 2);
    if nullable {
        terms.push(format!("({} is null)", keys[0]));
    }
    terms.extend(keys.iter().map(|k| format!("{k} {direction}")));
    // A unique last key keeps pages disjoint when many miners tie.
    terms.push(format!("m.miner_id {direction}"));
    terms.join(", ")
}

pub fn miner_list(query: &MinerQuery, now_ms: i64, dialect: Dialect) -> MinerListSql {
    let f = filters(query, now_ms);
    let condition = if f.clauses.is_empty() {
        "true".to_owned()
    } else {
        f.clauses.join(" and ")
    };
    let limit = f.args.len() + 1;
    let page = format!(
        "select {MINER_COLUMNS}, c.name as customer_name, l.last_seen_ms, l.hashrate_hs,
                l.expected_hashrate_hs, l.power_w, l.power_estimated, l.temp_max_c
         from miner m
         left join miner_live l on l.miner_id = m.miner_id
         left join customer c on c.customer_id = m.customer_id
         where {condition}
         order by {}
         limit ${limit} offset ${}",
        order_by(query, dialect),
        limit + 1
    );
    let live_join = if f.needs_live {
        "left join miner_live l on l.miner_id = m.miner_id"
    } else {
        ""
    };
    let count = format!("select count(*) from miner m {live_join} where {condition}");
    MinerListSql {
        page,
        count,
        args: f.args,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_number_from_the_first() {
        assert_eq!(placeholders(3, 3), "$3, $4, $5");
        assert_eq!(placeholders(1, 0), "");
    }

    #[test]
    fn insert_rows_take_eight_parameters_after_the_shared_two() {
        let sql = insert_miners(2);
        assert!(sql.contains("($1, $3, $4, $5, $6, $7, $8, $9, $10, 'draft', $2, $2)"));
        assert!(sql.contains("($1, $11, $12, $13, $14, $15, $16, $17, $18, 'draft', $2, $2)"));
    }

    #[test]
    fn approval_writes_only_from_allowed_states() {
        let sql = set_approval(Approval::Approved, 2);
        assert!(sql.contains("approval in ('pending')"), "{sql}");
        assert!(sql.contains("miner_id in ($6, $7)"), "{sql}");
    }

    #[test]
    fn filters_number_their_parameters_in_order() {
        let query = MinerQuery {
            site_id: Some(4),
            customer_id: Some(9),
            online: Some(false),
            search: Some("S21_".into()),
            sort: MinerSort::Hashrate,
            descending: true,
            ..MinerQuery::default()
        };
        let sql = miner_list(&query, 1_000_000, Dialect::Sqlite);
        assert_eq!(
            sql.args,
            vec![
                Arg::Int(4),
                Arg::Int(9),
                Arg::Int(1_000_000 - ONLINE_WINDOW_MS),
                Arg::Text("%s21\\_%".into())
            ]
        );
        assert!(sql.page.contains("limit $5 offset $6"), "{}", sql.page);
        assert!(
            sql.page
                .contains("order by (l.hashrate_hs is null), l.hashrate_hs desc, m.miner_id desc")
        );
        assert!(sql.count.contains("left join miner_live"));
    }

    #[test]
    fn the_count_skips_the_live_join_when_no_filter_needs_it() {
        let sql = miner_list(&MinerQuery::default(), 0, Dialect::Postgres);
        assert!(!sql.count.contains("miner_live"), "{}", sql.count);
        assert!(
            sql.page.contains("m.serial collate \"C\" asc"),
            "{}",
            sql.page
        );
    }
}
