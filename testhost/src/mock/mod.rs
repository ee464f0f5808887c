//! Mock Clerk Backend API: a deterministic [`Dataset`] and a loopback HTTP server
//! ([`MockClerk`]) that serves it with the real API's list shapes, paging rules, filters and
//! errors (see `shared/reference/clerk-api.md`).
//!
//! # Dataset conventions (what tests may rely on)
//!
//! Every id is `<prefix>_<27-digit zero-padded index>` (see [`mock_id`]), e.g. user 42 is
//! `user_000000000000000000000000042`. Phone-number ids are `idn_p<26 digits>` ([`phone_id`]).
//! Timestamps are ms since the epoch, starting at [`BASE_TIME_MS`]. Dataset vectors are in
//! creation order (ascending `created_at`); the server sorts per endpoint.
//!
//! Users, for index `i` (see also [`UserTraits::of`], which answers these questions in code):
//! - `created_at = BASE_TIME_MS + i*600_000 + (i*7919 % 1000)`: strictly increasing, distinct.
//! - `banned` is true iff `i % 7 == 0`.
//! - Emails: none if `i % 10 == 9`; otherwise two if `i % 4 == 1`, the primary being the
//!   SECOND element (`…@example.com`, id `idn_<2i>`; the first is `…@example.org`, id
//!   `idn_<2i+1>`); otherwise one. Addresses are lowercase and contain a `+` (`…+tag@…`) iff
//!   `i % 8 == 3`.
//! - One phone (`+1555` + 7 digits of `i`, id [`phone_id`]`(i)`, also the primary) iff
//!   `i % 5 == 2`; otherwise `phone_numbers` is empty and `primary_phone_number_id` is null.
//! - Names cycle through [`FIRST_NAMES`] (`i % 16`) and [`LAST_NAMES`] (`i % 13`), with
//!   unicode, quotes and backslashes; both are null iff `i % 13 == 12`.
//! - `username` is `user<i>` unless `i % 3 == 0` (null). `external_id` is `ext-<i>` for odd `i`,
//!   null for even `i`.
//! - `locale`: key absent iff `i % 3 == 0`, null iff `i % 3 == 1`, a string otherwise.
//! - `private_metadata` absent iff `i % 5 == 4`. `public_metadata` is `{}` iff `i % 4 == 0`,
//!   otherwise nested objects.
//! - `last_active_at` null iff `i % 6 == 5`; `last_sign_in_at` null iff `i % 4 == 3`.
//! - One Google external account iff `i % 5 == 1`.
//! - A billing subscription (see `user_subscriptions`) iff `i % 3 == 0`: on the free plan when
//!   `(i/3)` is even, on the Pro plan otherwise.
//!
//! Organizations: `(n_users/20).clamp(3, 400)` of them ([`org_count`]). Org `k` has `1 + k%5` members
//! (fewer only when there are fewer users) — member `j` is user `(k*37 + j*101) % n_users`,
//! the first is `org:admin` and `created_by`; slug is [`ORG_NAMES`]`[k]`'s slug for the first
//! ten orgs (e.g. `acme-corp`), `<slug>-<k>` after; `image_url` absent iff `k % 3 == 2`;
//! `private_metadata` absent for odd `k`. Two organization invitations per org (statuses cycle
//! pending, accepted, revoked over the global invitation index). Org `k` has a subscription iff
//! `k % 2 == 0` (Team plan if `k/2` is even, Enterprise (fee null) otherwise).
//!
//! Billing plans: `cplan_…0` Free (user, fee 0), `…1` Pro (user), `…2` Team (org), `…3`
//! Enterprise (org, fee null). One subscription item per subscription (ids share the index:
//! `csub_<s>` / `csubi_<s>`, `s = i/3` for user `i`, then `s = #user subscriptions + k/2` for
//! org `k`); item status cycles by `s % 10`: 0-6 active, 7 past_due,
//! 8 ended, 9 upcoming. `proration_date` (a `YYYY-MM-DD` string) is present iff `s % 4 == 0`.
//! Statements: 3 (`stmt_…0..2`) with 3, 2 and 0 payment attempts; their payers are those of
//! the first three paid subscription items (users 3, 9 and 15 when they exist). Items in
//! `billing_subscription_items` carry the nested `plan` (without `features`) and `payer`;
//! the copies inside a subscription's `subscription_items` omit those two optional keys.
//! Payer ids: `cpayer_<i>` for user `i`, `cpayer_<n_users + k>` for org `k`.
//!
//! Scale: `generate(100_000)` takes a few seconds and ~1.4 GB of heap (serde_json maps are
//! B-trees with ~630-byte nodes); serving a 500-user page costs one filter pass at most.

// The generator's rules read as `i % n == r` throughout (and the workspace MSRV predates
// `is_multiple_of`).
#![allow(clippy::manual_is_multiple_of)]

// The server and its plumbing.
mod api;
mod faults;
mod router;
mod server;
// The data set: records, their generation, the lookups built from them, list helpers.
mod dataset;
mod index;
mod lists;
mod records;
mod store;
// One module per resource: its records where they are not the generator's, its reads and
// its writes.
mod access;
mod billing;
mod bulk;
mod directories;
mod instance;
mod invitations;
mod machines;
mod organizations;
mod sessions;
mod users;
mod waitlist;

#[cfg(test)]
mod tests;

pub use dataset::Dataset;
pub use faults::Fault;
pub use instance::MOCK_CLIENT_SECRET;
pub use records::{
    mock_id, org_count, phone_id, user_created_at, ymd_from_ms, UserTraits, BASE_TIME_MS,
    DEFAULT_API_KEY, FIRST_NAMES, INSTANCE_ID, LAST_NAMES, MIN_BILLING_API_VERSION, ORG_NAMES,
    USER_CREATED_STEP_MS,
};
pub use server::{DatasetGuard, MockClerk, RecordedRequest};
