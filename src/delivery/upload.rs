//! Delivers one file upload (an outbox row of `Method::Upload`) in Slack's three steps, each
//! recorded as it succeeds so that a restart, a crash or a failed attempt resumes where the
//! upload stood:
//!
//! 0. make the files (render the chart, write the CSV) — outside any write transaction — and
//!    keep them with the row (`store::files`), once;
//! 1. `files.getUploadURLExternal` per file: an upload URL and the file's id, kept;
//! 2. the bytes to that URL, marked uploaded; a URL Slack refuses (expired) is forgotten and
//!    asked for again on the next attempt;
//! 3. `files.completeUploadExternal` with every file, into the conversation of the message the
//!    row follows (a DM's id, learnt when that message was delivered).
use crate::config::Secret;
use crate::domain::files::{Make, Upload};
use crate::slack::messages;
use crate::slack::{CallError, Delivered};
use crate::state::AppState;
use crate::store::files::{self, NewPart, Part};
use crate::store::outbox::Pending;

fn database(e: impl std::fmt::Display) -> CallError {
    CallError::Transient(format!("database: {e}"))
}

/// The conversation the files are shared in: the row's own channel when it names one, else
/// the conversation its parent message went to (a DM opened by `chat.postMessage`).
fn conversation(msg: &Pending) -> Result<String, CallError> {
    let named = |c: &str| c.starts_with(['C', 'G', 'D']);
    if named(&msg.channel) {
        return Ok(msg.channel.clone());
    }
    msg.parent_channel
        .clone()
        .filter(|c| named(c))
        .ok_or_else(|| {
            CallError::Permanent(
                "no conversation to share the file in (its message was not delivered)".into(),
            )
        })
}

pub async fn deliver(
    state: &AppState,
    token: &Secret,
    msg: &Pending,
) -> Result<Delivered, CallError> {
    let upload: Upload = serde_json::from_str(&msg.payload)
        .map_err(|e| CallError::Permanent(format!("unreadable upload: {e}")))?;
    let channel = conversation(msg)?;
    let mut parts = files::parts(state.db.reader(), msg.id)
        .await
        .map_err(database)?;
    if parts.is_empty() {
        let made = crate::files::make(state.db.reader(), &upload.make)
            .await
            .map_err(|e| CallError::Transient(format!("making the file: {e}")))?;
        if made.is_empty() {
            return Ok(Delivered::default());
        }
        keep(state, msg.id, made).await?;
        parts = files::parts(state.db.reader(), msg.id)
            .await
            .map_err(database)?;
    }
    for part in &mut parts {
        send(state, token, msg.id, part).await?;
    }
    let thread = if upload.in_thread {
        msg.parent_ts.as_deref()
    } else {
        None
    };
    let shared: Vec<(String, String)> = parts
        .iter()
        .filter_map(|p| Some((p.file_id.clone()?, p.title.clone())))
        .collect();
    state
        .slack
        .complete_upload(token, &channel, thread, &shared)
        .await?;
    Ok(Delivered {
        ts: None,
        channel: Some(channel),
    })
}

async fn keep(state: &AppState, id: i64, made: Vec<NewPart>) -> Result<(), CallError> {
    state
        .db
        .write((id, made), |c, (id, made)| {
            Box::pin(files::keep(c, *id, made))
        })
        .await
        .map_err(database)
}

/// Steps 1 and 2 for one part, skipping what is already done.
async fn send(state: &AppState, token: &Secret, id: i64, part: &mut Part) -> Result<(), CallError> {
    if part.file_id.is_none() || part.upload_url.is_none() {
        let (file_id, url) = state
            .slack
            .upload_url(
                token,
                &part.filename,
                part.content.len(),
                part.alt_txt.as_deref(),
            )
            .await?;
        let grant = (id, part.part, file_id.clone(), url.clone());
        state
            .db
            .write(grant, |c, (id, part, file_id, url)| {
                Box::pin(files::granted(c, *id, *part, Some((file_id, url))))
            })
            .await
            .map_err(database)?;
        part.file_id = Some(file_id);
        part.upload_url = Some(url);
        part.uploaded = false;
    }
    if part.uploaded {
        return Ok(());
    }
    let url = part.upload_url.clone().unwrap_or_default();
    match state
        .slack
        .upload_bytes(token, &url, &part.content, content_type(&part.filename))
        .await
    {
        Ok(()) => {
            let at = state.clock.now();
            state
                .db
                .write((id, part.part, at), |c, (id, part, at)| {
                    Box::pin(files::uploaded(c, *id, *part, *at))
                })
                .await
                .map_err(database)?;
            part.uploaded = true;
            Ok(())
        }
        Err(CallError::Permanent(why)) => {
            // The URL is spent or expired: forget it, and the next attempt asks for another.
            state
                .db
                .write((id, part.part), |c, (id, part)| {
                    Box::pin(files::granted(c, *id, *part, None))
                })
                .await
                .map_err(database)?;
            Err(CallError::Transient(format!(
                "upload URL refused ({why}); asking for a new one"
            )))
        }
        Err(other) => Err(other),
    }
}

/// The DM telling someone their export will not arrive (Slack refused it for good); `None`
/// for a chart, which is dropped quietly (its digest or results arrived as text).
pub fn not_delivered(msg: &Pending, error: &str) -> Option<String> {
    let upload: Upload = serde_json::from_str(&msg.payload).ok()?;
    let Make::Export(_) = upload.make else {
        return None;
    };
    let why = if error == "missing_scope" {
        "this workspace's Momentum app may not upload files yet. Ask a workspace admin to reinstall \
         Momentum (it now asks for `files:write`), then try `/momentum export` again."
            .to_owned()
    } else {
        format!("Slack refused the files (`{error}`). Try `/momentum export` again later.")
    };
    Some(messages::post(
        &msg.channel,
        "Your export could not be delivered",
        vec![messages::section(format!(
            "😕 Your export could not be delivered: {why}"
        ))],
    ))
}

fn content_type(filename: &str) -> &'static str {
    if filename.ends_with(".png") {
        "image/png"
    } else if filename.ends_with(".csv") {
        "text/csv; charset=utf-8"
    } else {
        "application/octet-stream"
    }
}
