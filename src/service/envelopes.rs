//! Socket Mode envelopes, each handled once across reconnects and replicas: claimed by the id
//! Slack redelivers it with, then answered with the payload it was first acknowledged with.
use crate::state::AppState;
use crate::store::{self, interactions};

pub use interactions::Envelope;

/// Claims the envelope `key`: new, or seen before (with the answer then kept, if any).
pub async fn claim(state: &AppState, key: &str) -> store::Result<Envelope> {
    let now = state.clock.now();
    state
        .db
        .write((key.to_owned(), now), |c, (key, at)| {
            Box::pin(interactions::claim_envelope(c, key, *at))
        })
        .await
}

/// Lets the envelope go (its handling failed): a redelivery handles it again.
pub async fn forget(state: &AppState, key: &str) -> store::Result<()> {
    state
        .db
        .write(key.to_owned(), |c, key| {
            Box::pin(interactions::forget_envelope(c, key))
        })
        .await
}

/// Keeps the payload the envelope was acknowledged with, for a redelivery.
pub async fn answered(state: &AppState, key: &str, payload: &str) -> store::Result<()> {
    state
        .db
        .write((key.to_owned(), payload.to_owned()), |c, (key, text)| {
            Box::pin(interactions::envelope_answered(c, key, text))
        })
        .await
}
