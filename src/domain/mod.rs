//! The rules of prospecting and their typed values, pure: no database connection, no Slack, no
//! clock — `now` is a parameter. Values derive sqlx traits so the store can read and write them.
pub mod blitz;
pub mod board;
pub mod cadence;
pub mod calendar;
pub mod chart;
pub mod digest;
pub mod files;
pub mod goals;
pub mod quiet;
pub mod schedule;
pub mod shoutout;
pub mod streak;
pub mod text;
pub mod time;
pub mod words;

use std::fmt;

/// A value stored as text: how it is written and read back.
pub trait TextValue: Sized {
    fn to_text(&self) -> String;
    fn from_text(text: &str) -> Result<Self, String>;
}

/// Implements sqlx's `Type`, `Encode` and `Decode` for a [`TextValue`], in any database whose
/// text type holds it, so rows carry the typed value and never a string.
macro_rules! sql_text {
    ($name:ty) => {
        impl<DB: sqlx::Database> sqlx::Type<DB> for $name
        where
            str: sqlx::Type<DB>,
        {
            fn type_info() -> DB::TypeInfo {
                <str as sqlx::Type<DB>>::type_info()
            }
            fn compatible(ty: &DB::TypeInfo) -> bool {
                <str as sqlx::Type<DB>>::compatible(ty)
            }
        }

        impl<'q, DB: sqlx::Database> sqlx::Encode<'q, DB> for $name
        where
            String: sqlx::Encode<'q, DB>,
        {
            fn encode_by_ref(
                &self,
                buf: &mut <DB as sqlx::Database>::ArgumentBuffer<'q>,
            ) -> Result<sqlx::encode::IsNull, sqlx::error::BoxDynError> {
                <String as sqlx::Encode<'q, DB>>::encode(
                    $crate::domain::TextValue::to_text(self),
                    buf,
                )
            }
        }

        impl<'r, DB: sqlx::Database> sqlx::Decode<'r, DB> for $name
        where
            &'r str: sqlx::Decode<'r, DB>,
        {
            fn decode(
                value: <DB as sqlx::Database>::ValueRef<'r>,
            ) -> Result<Self, sqlx::error::BoxDynError> {
                let text = <&'r str as sqlx::Decode<'r, DB>>::decode(value)?;
                <$name as $crate::domain::TextValue>::from_text(text).map_err(Into::into)
            }
        }
    };
}
pub(crate) use sql_text;

macro_rules! vocabulary {
    ($(#[$doc:meta])* $name:ident { $($variant:ident => $text:literal),+ $(,)? }) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum $name { $($variant),+ }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// The word stored in the database and shown to people.
            pub const fn as_str(self) -> &'static str {
                match self { $($name::$variant => $text),+ }
            }

            pub fn from_db(s: &str) -> Option<Self> {
                Self::ALL.iter().copied().find(|v| v.as_str() == s)
            }
        }

        impl From<$name> for &'static str {
            fn from(v: $name) -> &'static str {
                v.as_str()
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl $crate::domain::TextValue for $name {
            fn to_text(&self) -> String {
                self.as_str().to_owned()
            }
            fn from_text(word: &str) -> Result<Self, String> {
                Self::from_db(word).ok_or_else(|| format!("unknown {}: {word:?}", stringify!($name)))
            }
        }

        $crate::domain::sql_text!($name);
    };
}
pub(crate) use vocabulary;

vocabulary! {
    /// A small step worth celebrating.
    WinKind {
        Connect => "connect",
        Reply => "reply",
        Meeting => "meeting",
        Encounter => "encounter",
        Conversation => "conversation",
        Referral => "referral",
        Other => "other",
    }
}

vocabulary! {
    /// How a touch reached the prospect.
    Channel {
        Phone => "phone",
        Email => "email",
        Social => "social",
        Text => "text",
        InPerson => "in_person",
        Video => "video",
    }
}

vocabulary! {
    /// What came of a touch.
    Outcome {
        NoAnswer => "no_answer",
        Voicemail => "voicemail",
        Replied => "replied",
        Talked => "talked",
        Meeting => "meeting",
        Callback => "callback",
        No => "no",
    }
}

vocabulary! {
    /// Whether a rep still works on a prospect.
    ProspectStatus {
        Active => "active",
        Dropped => "dropped",
    }
}

vocabulary! {
    /// How far a prospect has come, from the outcomes logged on them. Only `prospecting`
    /// prospects are chased (cadence nudges, "touch N of 10").
    Stage {
        Prospecting => "prospecting",
        Engaged => "engaged",
        Meeting => "meeting",
        Closed => "closed",
    }
}

vocabulary! {
    /// Where a win came from: typed with `/win`, or a touch outcome or block result
    /// celebrated automatically.
    WinSource {
        Typed => "win",
        Touch => "touch",
        Block => "block",
    }
}

vocabulary! {
    /// Where an outbox row is: waiting (or being tried), delivered, or given up.
    OutboxStatus {
        Pending => "pending",
        Sent => "sent",
        Failed => "failed",
    }
}

vocabulary! {
    /// Where a prospecting block is.
    BlockStatus {
        Planned => "planned",
        Done => "done",
        Cancelled => "cancelled",
    }
}

/// What `undo` removes: the caller's last win, touch or block log of the last 24 hours.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Undo {
    Win,
    Touch,
    Block,
}

impl WinKind {
    /// The order a manager's digest recognises wins in: a meeting first, then a referral, a
    /// reply, a chance encounter, a conversation, a connection, anything else.
    pub const WORTH_RECOGNISING: [WinKind; 7] = [
        WinKind::Meeting,
        WinKind::Referral,
        WinKind::Reply,
        WinKind::Encounter,
        WinKind::Conversation,
        WinKind::Connect,
        WinKind::Other,
    ];
}

impl Outcome {
    /// Counts toward the response rate.
    pub fn is_response(self) -> bool {
        matches!(
            self,
            Outcome::Replied | Outcome::Talked | Outcome::Meeting | Outcome::Callback
        )
    }

    /// The stage this outcome moves a prospect to (never backwards: see [`Stage::after`]).
    pub fn stage(self) -> Option<Stage> {
        match self {
            Outcome::Replied | Outcome::Talked | Outcome::Callback => Some(Stage::Engaged),
            Outcome::Meeting => Some(Stage::Meeting),
            _ => None,
        }
    }

    /// The win a response is celebrated as: a call-back agreed is a conversation.
    pub fn win_kind(self) -> Option<WinKind> {
        match self {
            Outcome::Replied => Some(WinKind::Reply),
            Outcome::Talked | Outcome::Callback => Some(WinKind::Conversation),
            Outcome::Meeting => Some(WinKind::Meeting),
            _ => None,
        }
    }
}

impl Channel {
    /// The channel as a person says it: "in person".
    pub fn label(self) -> &'static str {
        match self {
            Channel::InPerson => "in person",
            other => other.as_str(),
        }
    }

    /// The order channels are suggested in when varying a cadence.
    pub const SUGGESTED: [Channel; 6] = [
        Channel::Phone,
        Channel::Email,
        Channel::Social,
        Channel::Text,
        Channel::Video,
        Channel::InPerson,
    ];

    /// The first channel (in [`Channel::SUGGESTED`] order) not among `used`; `None` when
    /// every channel has been tried.
    pub fn not_yet_used(used: impl IntoIterator<Item = Channel>) -> Option<Channel> {
        let used: Vec<Channel> = used.into_iter().collect();
        Channel::SUGGESTED.into_iter().find(|c| !used.contains(c))
    }
}

impl Stage {
    /// The stage after an outcome: stages only move forward.
    pub fn after(self, outcome: Outcome) -> Stage {
        outcome.stage().map_or(self, |s| s.max(self))
    }

    /// Still being prospected: chased by cadence nudges.
    pub fn is_prospecting(self) -> bool {
        self == Stage::Prospecting
    }
}

impl WinKind {
    /// The kind as a person says it: "Logged your connection", "Logged your win".
    pub fn noun(self) -> &'static str {
        match self {
            WinKind::Connect => "connection",
            WinKind::Reply => "reply",
            WinKind::Meeting => "meeting",
            WinKind::Encounter => "encounter",
            WinKind::Conversation => "conversation",
            WinKind::Referral => "referral",
            WinKind::Other => "win",
        }
    }

    pub fn emoji(self) -> &'static str {
        match self {
            WinKind::Connect => "🤝",
            WinKind::Reply => "📬",
            WinKind::Meeting => "📅",
            WinKind::Encounter => "☕",
            WinKind::Conversation => "💬",
            WinKind::Referral => "🔗",
            WinKind::Other => "⭐",
        }
    }
}

/// A planned block with its member's zone (for reminders).
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct PlannedBlock {
    pub id: i64,
    pub team_id: String,
    pub user_id: String,
    pub starts_at: chrono::DateTime<chrono::Utc>,
    pub minutes: i64,
    #[sqlx(flatten)]
    pub local: time::Local,
}

/// Results of a prospecting block, as reported with `/block done …`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct BlockResults {
    pub dials: u32,
    pub emails: u32,
    pub social: u32,
    pub conversations: u32,
    pub meetings: u32,
    pub callbacks: u32,
    pub nos: u32,
}

impl BlockResults {
    pub fn attempts(&self) -> u32 {
        self.dials + self.emails + self.social
    }
}

/// Response rate in whole percent, `None` when there were no attempts.
pub fn response_rate(responses: i64, attempts: i64) -> Option<i64> {
    (attempts > 0).then(|| (responses * 100 + attempts / 2) / attempts)
}
