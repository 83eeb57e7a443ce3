//! The hosting-fleet part of storage: sites, customers, the miner inventory and the keys of
//! standalone collectors. Implemented for SQLite and PostgreSQL by the server.

use async_trait::async_trait;

use crate::StoreError;
use domain::fleet::{
    Approval, ApprovalReport, CollectorKey, Customer, InsertOutcome, Miner, MinerPage, MinerQuery,
    MinerTarget, NewCustomer, NewMiner, NewSite, Site,
};

/// The most rows one import may carry (the largest farm we plan for, in one transaction);
/// the import checks it before calling the store.
pub const MAX_IMPORT_ROWS: usize = 20_000;

#[async_trait]
pub trait FleetStore: Send + Sync + 'static {
    /// `Conflict` when the owner (or, for a site nobody owns, the staff) has a site of that
    /// name; another owner's sites may share it.
    async fn create_site(&self, site: &NewSite, now_ms: i64) -> Result<Site, StoreError>;
    /// `NotFound`, or `Conflict` when the new name is another site's of the same owner.
    async fn update_site(
        &self,
        site_id: i64,
        site: &NewSite,
        now_ms: i64,
    ) -> Result<Site, StoreError>;
    async fn get_site(&self, site_id: i64) -> Result<Site, StoreError>;
    /// Every site, or with `owner_user_id` only that account's, by name.
    async fn list_sites(&self, owner_user_id: Option<i64>) -> Result<Vec<Site>, StoreError>;
    /// Deletes the site with its miners, readings and collector keys.
    async fn delete_site(&self, site_id: i64) -> Result<(), StoreError>;

    /// `Conflict` when the name, or the linked account, is another customer's.
    async fn create_customer(
        &self,
        customer: &NewCustomer,
        now_ms: i64,
    ) -> Result<Customer, StoreError>;
    async fn update_customer(
        &self,
        customer_id: i64,
        customer: &NewCustomer,
        now_ms: i64,
    ) -> Result<Customer, StoreError>;
    async fn get_customer(&self, customer_id: i64) -> Result<Customer, StoreError>;
    /// Every customer, by name.
    async fn list_customers(&self) -> Result<Vec<Customer>, StoreError>;
    /// The customers with at least one miner on the site, by name.
    async fn site_customers(&self, site_id: i64) -> Result<Vec<Customer>, StoreError>;
    /// The customer a portal account speaks for, if any.
    async fn customer_for_user(&self, user_id: i64) -> Result<Option<Customer>, StoreError>;
    /// Deletes the customer; its miners stay, unassigned.
    async fn delete_customer(&self, customer_id: i64) -> Result<(), StoreError>;

    /// The import path: up to [`MAX_IMPORT_ROWS`] rows, written in one transaction as drafts.
    /// Each row gets its outcome, in order: a row whose serial, IP or MAC is taken in the site,
    /// by a stored miner or an earlier row, is reported and skipped (another site's miners,
    /// another host's perhaps, never count); so is an invalid row or one naming an unknown
    /// customer or model. The other rows are written.
    /// `NotFound` when the site does not exist.
    async fn insert_miners(
        &self,
        site_id: i64,
        miners: &[NewMiner],
        now_ms: i64,
    ) -> Result<Vec<InsertOutcome>, StoreError>;
    async fn get_miner(&self, miner_id: i64) -> Result<Miner, StoreError>;
    /// Replaces the editable fields; the approval state stays. `Conflict` on a serial,
    /// IP or MAC another miner of the site has.
    async fn update_miner(
        &self,
        miner_id: i64,
        miner: &NewMiner,
        now_ms: i64,
    ) -> Result<Miner, StoreError>;
    /// Deletes those of `miner_ids` that belong to the site; returns how many.
    async fn delete_miners(&self, site_id: i64, miner_ids: &[i64]) -> Result<u64, StoreError>;
    /// Moves each of the site's `miner_ids` to `next` where the workflow allows it
    /// ([`Approval::can_move_to`]), replacing the note and recording the actor as reviewer on
    /// approve and reject (cleared on the way back to draft or pending); the others are
    /// reported and left as they were. The check and the write are one statement, so two reviewers acting
    /// at once cannot both move a miner. `actor_user_id` is `None` only when the server itself
    /// reviews (the demo farm it seeds).
    async fn set_approval(
        &self,
        site_id: i64,
        miner_ids: &[i64],
        next: Approval,
        actor_user_id: Option<i64>,
        note: Option<&str>,
        now_ms: i64,
    ) -> Result<ApprovalReport, StoreError>;
    /// One page of the miner table; `now_ms` decides who is online.
    async fn list_miners(&self, query: &MinerQuery, now_ms: i64) -> Result<MinerPage, StoreError>;
    /// Every miner of the site with its customer's name, by serial, in one read: what an
    /// inventory export writes, consistent even while others edit the site.
    async fn site_inventory(
        &self,
        site_id: i64,
    ) -> Result<Vec<(Miner, Option<String>)>, StoreError>;
    /// What a collector polls: the site's approved miners that are not retired, by miner id.
    async fn miner_targets(&self, site_id: i64) -> Result<Vec<MinerTarget>, StoreError>;
    /// Sites no usable collector key writes to, by id: the ones the server polls itself under
    /// `[poll] auto`. A site with a key has a standalone collector; polling it from the server
    /// too would store every reading twice.
    async fn sites_without_collector(&self) -> Result<Vec<i64>, StoreError>;
    /// The sites where the customer has at least one miner, by id.
    async fn customer_site_ids(&self, customer_id: i64) -> Result<Vec<i64>, StoreError>;

    /// Registers a collector key by its SHA-256 (hex). `Conflict` when the hash exists.
    async fn create_collector_key(
        &self,
        site_id: i64,
        key_hash: &str,
        label: &str,
        now_ms: i64,
    ) -> Result<CollectorKey, StoreError>;
    /// The site a key may write to, or `None` for an unknown or revoked key. Records the use
    /// at most once a minute, so a busy collector does not cost a write per request.
    async fn site_for_collector_key(
        &self,
        key_hash: &str,
        now_ms: i64,
    ) -> Result<Option<i64>, StoreError>;
    /// The site's keys, usable ones first, newest first.
    async fn list_collector_keys(&self, site_id: i64) -> Result<Vec<CollectorKey>, StoreError>;
    /// Revokes the site's key whose hash starts with `key_hash_prefix` (at least
    /// [`domain::fleet::MIN_REVOKE_PREFIX_CHARS`] characters). `NotFound` when none matches,
    /// `Conflict` when several do. Revoking twice keeps the first time.
    async fn revoke_collector_key(
        &self,
        site_id: i64,
        key_hash_prefix: &str,
        now_ms: i64,
    ) -> Result<(), StoreError>;
}
