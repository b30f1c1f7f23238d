//! Slack's Block Kit limits, checked in the one place every payload passes through
//! ([`fit`]): messages (`chat.postMessage`, `chat.update`, command replies), modals and the
//! Home tab. Builders keep within the limits themselves (they truncate, page and split into
//! threads); what still breaks one is repaired here — text cut with "…", extra elements and
//! blocks dropped — and logged loudly with the method and the limit, so Slack never answers
//! `invalid_blocks` and loses the whole message.
use serde_json::Value;

/// Where a payload is shown; modals and the Home tab allow more blocks than a message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Surface {
    Message,
    Modal,
    Home,
}

impl Surface {
    pub fn max_blocks(self) -> usize {
        match self {
            Surface::Message => 50,
            Surface::Modal | Surface::Home => 100,
        }
    }
}

pub const SECTION_TEXT: usize = 3000;
pub const FIELD_TEXT: usize = 2000;
pub const MAX_FIELDS: usize = 10;
pub const HEADER_TEXT: usize = 150;
pub const CONTEXT_ELEMENTS: usize = 10;
pub const CONTEXT_TEXT: usize = 3000;
pub const ACTIONS_ELEMENTS: usize = 25;
pub const BUTTON_TEXT: usize = 75;
pub const BUTTON_VALUE: usize = 2000;
pub const ID_LENGTH: usize = 255;
pub const OPTION_TEXT: usize = 75;
pub const OPTION_VALUE: usize = 150;
pub const MAX_OPTIONS: usize = 100;
pub const INPUT_LABEL: usize = 2000;
pub const PLACEHOLDER: usize = 150;
pub const VIEW_TITLE: usize = 24;
pub const PRIVATE_METADATA: usize = 3000;
/// The notification text of a message (Slack truncates past 40,000; 4,000 is advised).
pub const MESSAGE_TEXT: usize = 4000;

/// The JSON body of a Web API call `request`, made to fit (see [`fit`]).
pub fn fitted(method: &str, surface: Surface, request: &impl serde::Serialize) -> String {
    let mut value = serde_json::to_value(request).unwrap_or_default();
    fit(method, surface, &mut value);
    value.to_string()
}

/// A modal made to fit (see [`fit`]); unchanged if it cannot be read back.
pub fn fitted_view(
    method: &str,
    view: slack_morphism::prelude::SlackView,
) -> slack_morphism::prelude::SlackView {
    let Ok(mut value) = serde_json::to_value(&view) else {
        return view;
    };
    if fit(method, Surface::Modal, &mut value).is_empty() {
        return view;
    }
    serde_json::from_value(value).unwrap_or(view)
}

thread_local! {
    static REPAIRED: std::cell::Cell<usize> = const { std::cell::Cell::new(0) };
}

/// How many repairs [`fit`] has made on this thread: a builder that keeps within the limits
/// by itself makes none (tests assert it; per thread, so tests running side by side cannot
/// see each other's repairs).
pub fn repairs_so_far() -> usize {
    REPAIRED.with(std::cell::Cell::get)
}

/// One limit a payload broke: where (a JSON path), which limit, and by how much.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Breach {
    pub path: String,
    pub limit: &'static str,
    pub found: usize,
    pub max: usize,
}

impl std::fmt::Display for Breach {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} at {}: {} > {}",
            self.limit, self.path, self.found, self.max
        )
    }
}

/// The limits `payload` breaks, without changing it.
pub fn check(surface: Surface, payload: &Value) -> Vec<Breach> {
    let mut copy = payload.clone();
    repair(surface, &mut copy)
}

/// Makes `payload` fit: repairs what breaks a limit and logs each repair as an error naming
/// `method` and the limit. Returns what was repaired (empty when it already fitted).
pub fn fit(method: &str, surface: Surface, payload: &mut Value) -> Vec<Breach> {
    let breaches = repair(surface, payload);
    REPAIRED.with(|n| n.set(n.get() + breaches.len()));
    for b in &breaches {
        tracing::error!(method, limit = b.limit, path = %b.path, found = b.found, max = b.max,
            "a Slack payload broke a Block Kit limit; repaired before sending");
    }
    breaches
}

struct Repair<'a> {
    out: &'a mut Vec<Breach>,
}

impl Repair<'_> {
    /// Cuts the string at `v` to `max` characters, recording the breach at `path`.
    fn text(&mut self, v: &mut Value, path: &str, limit: &'static str, max: usize) {
        let Some(s) = v.as_str() else { return };
        let n = s.chars().count();
        if n > max {
            *v = Value::String(cut_markup_safe(s, max));
            self.out.push(Breach {
                path: path.to_owned(),
                limit,
                found: n,
                max,
            });
        }
    }

    /// The string field `parent.key`, if there is one.
    fn field(
        &mut self,
        parent: &mut Value,
        key: &str,
        path: &str,
        limit: &'static str,
        max: usize,
    ) {
        if let Some(v) = parent.get_mut(key) {
            self.text(v, &format!("{path}.{key}"), limit, max);
        }
    }

    /// The text object `parent.key` (`{"type": "mrkdwn"|"plain_text", "text": …}`).
    fn text_object(
        &mut self,
        parent: &mut Value,
        key: &str,
        path: &str,
        limit: &'static str,
        max: usize,
    ) {
        if let Some(o) = parent.get_mut(key) {
            self.field(o, "text", &format!("{path}.{key}"), limit, max);
        }
    }

    /// The list `parent.key`, cut to `max` items; returns its items for a closer look.
    fn list<'v>(
        &mut self,
        parent: &'v mut Value,
        key: &str,
        path: &str,
        limit: &'static str,
        max: usize,
    ) -> &'v mut [Value] {
        let Some(list) = parent.get_mut(key).and_then(Value::as_array_mut) else {
            return &mut [];
        };
        if list.len() > max {
            self.out.push(Breach {
                path: format!("{path}.{key}"),
                limit,
                found: list.len(),
                max,
            });
            list.truncate(max);
        }
        list
    }

    fn element(&mut self, e: &mut Value, path: &str) {
        self.field(e, "action_id", path, "action_id length", ID_LENGTH);
        match e.get("type").and_then(Value::as_str) {
            Some("button") => {
                self.text_object(e, "text", path, "button text", BUTTON_TEXT);
                self.field(e, "value", path, "button value", BUTTON_VALUE);
            }
            Some("mrkdwn" | "plain_text") => {
                self.field(e, "text", path, "context text", CONTEXT_TEXT);
            }
            _ => {}
        }
        self.text_object(e, "placeholder", path, "placeholder", PLACEHOLDER);
        for key in ["options", "initial_options"] {
            let at = format!("{path}.{key}");
            for (i, o) in self
                .list(e, key, path, "options", MAX_OPTIONS)
                .iter_mut()
                .enumerate()
            {
                self.option(o, &format!("{at}[{i}]"));
            }
        }
        if let Some(o) = e.get_mut("initial_option") {
            self.option(o, &format!("{path}.initial_option"));
        }
    }

    fn option(&mut self, o: &mut Value, path: &str) {
        self.text_object(o, "text", path, "option text", OPTION_TEXT);
        self.field(o, "value", path, "option value", OPTION_VALUE);
    }

    fn block(&mut self, b: &mut Value, path: &str) {
        self.field(b, "block_id", path, "block_id length", ID_LENGTH);
        match b.get("type").and_then(Value::as_str) {
            Some("section") => {
                self.text_object(b, "text", path, "section text", SECTION_TEXT);
                let at = format!("{path}.fields");
                let fields = self.list(b, "fields", path, "section fields", MAX_FIELDS);
                for (i, f) in fields.iter_mut().enumerate() {
                    self.field(f, "text", &format!("{at}[{i}]"), "field text", FIELD_TEXT);
                }
                if let Some(a) = b.get_mut("accessory") {
                    self.element(a, &format!("{path}.accessory"));
                }
            }
            Some("header") => self.text_object(b, "text", path, "header text", HEADER_TEXT),
            Some("context") => self.elements(b, path, "context elements", CONTEXT_ELEMENTS),
            Some("actions") => self.elements(b, path, "actions elements", ACTIONS_ELEMENTS),
            Some("input") => {
                self.text_object(b, "label", path, "input label", INPUT_LABEL);
                self.text_object(b, "hint", path, "input hint", INPUT_LABEL);
                if let Some(e) = b.get_mut("element") {
                    self.element(e, &format!("{path}.element"));
                }
            }
            _ => {}
        }
    }

    fn elements(&mut self, b: &mut Value, path: &str, limit: &'static str, max: usize) {
        let at = format!("{path}.elements");
        for (i, e) in self
            .list(b, "elements", path, limit, max)
            .iter_mut()
            .enumerate()
        {
            self.element(e, &format!("{at}[{i}]"));
        }
    }

    fn blocks(&mut self, container: &mut Value, path: &str, max: usize) {
        let Some(blocks) = container.get_mut("blocks").and_then(Value::as_array_mut) else {
            return;
        };
        if blocks.len() > max {
            self.out.push(Breach {
                path: format!("{path}blocks"),
                limit: "blocks",
                found: blocks.len(),
                max,
            });
            blocks.truncate(max - 1);
            blocks.push(serde_json::json!({
                "type": "context",
                "elements": [{ "type": "mrkdwn", "text": "…and more that did not fit in one message." }]
            }));
        }
        for (i, b) in blocks.iter_mut().enumerate() {
            self.block(b, &format!("{path}blocks[{i}]"));
        }
    }
}

fn repair(surface: Surface, payload: &mut Value) -> Vec<Breach> {
    let mut out = Vec::new();
    let mut r = Repair { out: &mut out };
    match surface {
        Surface::Message => {
            r.field(payload, "text", "message", "message text", MESSAGE_TEXT);
            r.blocks(payload, "", surface.max_blocks());
        }
        Surface::Modal | Surface::Home => {
            let view = if payload.get("view").is_some() {
                payload.get_mut("view")
            } else {
                Some(payload)
            };
            if let Some(view) = view {
                for key in ["title", "submit", "close"] {
                    r.text_object(view, key, "view", "view title", VIEW_TITLE);
                }
                r.field(
                    view,
                    "private_metadata",
                    "view",
                    "private_metadata",
                    PRIVATE_METADATA,
                );
                r.field(view, "callback_id", "view", "callback_id length", ID_LENGTH);
                r.blocks(view, "view.", surface.max_blocks());
            }
        }
    }
    out
}

/// Cuts text to `max` characters with "…", never inside an entity (`&amp;`) or the bot's own
/// markup (`<@U…>`), so the cut text still renders and never turns into broken markup.
pub fn cut_markup_safe(s: &str, max: usize) -> String {
    let keep = max.saturating_sub(1);
    let mut end = s.char_indices().nth(keep).map_or(s.len(), |(i, _)| i);
    let head = &s[..end];
    if let Some(open) = head.rfind('<')
        && !head[open..].contains('>')
    {
        end = open;
    }
    let head = &s[..end];
    if let Some(amp) = head.rfind('&')
        && !head[amp..].contains(';')
        && head.len() - amp <= 6
    {
        end = amp;
    }
    format!("{}…", &s[..end])
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_payload_within_the_limits_is_left_alone() {
        let mut p = json!({"text": "hi", "blocks": [{"type": "section", "text": {"type": "mrkdwn", "text": "hello"}}]});
        let before = p.clone();
        assert!(fit("chat.postMessage", Surface::Message, &mut p).is_empty());
        assert_eq!(p, before);
    }

    #[test]
    fn long_text_too_many_blocks_and_long_button_values_are_repaired_and_reported() {
        let long = "x".repeat(3500);
        let mut blocks: Vec<Value> = (0..60)
            .map(|_| json!({"type": "section", "text": {"type": "mrkdwn", "text": "a"}}))
            .collect();
        blocks[0] = json!({"type": "section", "text": {"type": "mrkdwn", "text": long},
            "accessory": {"type": "button", "text": {"type": "plain_text", "text": "ok"}, "value": "1".repeat(2100)}});
        blocks[1] =
            json!({"type": "header", "text": {"type": "plain_text", "text": "h".repeat(200)}});
        let mut p = json!({"text": "t", "blocks": blocks});
        let limits: Vec<&str> = fit("chat.postMessage", Surface::Message, &mut p)
            .iter()
            .map(|b| b.limit)
            .collect();
        assert_eq!(
            limits,
            ["blocks", "section text", "button value", "header text"]
        );
        assert!(check(Surface::Message, &p).is_empty());
        assert_eq!(p["blocks"].as_array().unwrap().len(), 50);
        let text = p["blocks"][0]["text"]["text"].as_str().unwrap();
        assert_eq!(text.chars().count(), 3000);
        assert!(text.ends_with('…'));
    }

    #[test]
    fn cutting_never_splits_an_entity_or_a_mention() {
        assert_eq!(cut_markup_safe("ab &amp; cd", 6), "ab …");
        assert_eq!(cut_markup_safe("hi <@U012ABC> there", 8), "hi …");
        assert_eq!(cut_markup_safe("héllo wörld", 6), "héllo…");
    }
}
