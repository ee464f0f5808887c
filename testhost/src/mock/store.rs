//! The mock's state: the data set, the lookups built from it, and the ids writes hand out.

use super::dataset::Dataset;
use super::index::Index;
use super::records::{get_str, mock_id};
use serde_json::Value;

/// The dataset and the lookups built from it.
pub(crate) struct Data {
    pub(crate) dataset: Dataset,
    pub(crate) index: Index,
    /// Objects created by writes so far (their ids count on from 900,000,000).
    pub(crate) created: usize,
}

impl Data {
    pub(crate) fn new(dataset: Dataset) -> Data {
        let index = Index::build(&dataset);
        Data {
            dataset,
            index,
            created: 0,
        }
    }
}

impl Data {
    pub(crate) fn new_id(&mut self, prefix: &str) -> String {
        self.created += 1;
        mock_id(prefix, 900_000_000 + self.created)
    }

    pub(crate) fn find(list: &[Value], id: &str) -> Option<usize> {
        list.iter().position(|v| get_str(v, "id") == Some(id))
    }
}
