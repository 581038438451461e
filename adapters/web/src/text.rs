//! What the web desk says, by catalogue id, and the catalogue it is read from: the binary's,
//! so every sentence stays in the engine's en, it and pl catalogues. Also which language a
//! browser gets.

macro_rules! texts {
    ($($name:ident => $key:literal,)*) => {
        /// A sentence of the web desk; its words are the catalogue's.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum Text {
            $(
                #[doc = concat!("Catalogue id `", $key, "`.")]
                $name,
            )*
        }

        impl Text {
            /// Every text.
            pub const ALL: &'static [Text] = &[$(Text::$name),*];

            /// Its id in the catalogues.
            pub fn key(self) -> &'static str {
                match self {
                    $(Text::$name => $key,)*
                }
            }
        }
    };
}

texts! {
    DeskName => "web_desk_name",
    SkipToContent => "web_skip_to_content",
    SignInTitle => "web_sign_in_title",
    NameLabel => "web_name_label",
    PasswordLabel => "web_password_label",
    PasswordAgainLabel => "web_password_again_label",
    SignInButton => "web_sign_in_button",
    SignInFailed => "web_sign_in_failed",
    SignInThrottled => "web_sign_in_throttled",
    SignedOut => "web_signed_out",
    SessionEnded => "web_session_ended",
    SignOutButton => "web_sign_out_button",
    HomeTitle => "web_home_title",
    HomeSignedIn => "web_home_signed_in",
    HomeRole => "web_home_role",
    HomeNext => "web_home_next",
    RoleRequester => "web_role_requester",
    RoleAgent => "web_role_agent",
    RoleManager => "web_role_manager",
    RoleAdmin => "web_role_admin",
    SetupTitle => "web_setup_title",
    SetupIntro => "web_setup_intro",
    SetupButton => "web_setup_button",
    SetupGone => "web_setup_gone",
    BadName => "web_bad_name",
    BadPassword => "web_bad_password",
    PasswordsDiffer => "web_passwords_differ",
    NameTaken => "web_name_taken",
    FormExpiredTitle => "web_form_expired_title",
    FormExpired => "web_form_expired",
    UnavailableTitle => "web_unavailable_title",
    Unavailable => "web_unavailable",
    GoToSignIn => "web_go_to_sign_in",
    NavTickets => "web_nav_tickets",
    NavNewTicket => "web_nav_new_ticket",
    NavLabel => "web_nav_label",
    TicketsTitle => "web_tickets_title",
    TicketsNone => "web_tickets_none",
    ColumnNumber => "web_column_number",
    ColumnTitle => "web_column_title",
    ColumnStatus => "web_column_status",
    ColumnLevel => "web_column_level",
    ColumnUpdated => "web_column_updated",
    NoticesTitle => "web_notices_title",
    NewTicketTitle => "web_new_ticket_title",
    NewTicketIntro => "web_new_ticket_intro",
    TitleLabel => "web_title_label",
    DescriptionLabel => "web_description_label",
    NewTicketButton => "web_new_ticket_button",
    TitleMissing => "web_title_missing",
    DescriptionMissing => "web_description_missing",
    TicketSent => "web_ticket_sent",
    TicketTitle => "web_ticket_title",
    ConversationTitle => "web_conversation_title",
    ConversationEmpty => "web_conversation_empty",
    ReplyLabel => "web_reply_label",
    ReplyButton => "web_reply_button",
    ReplyMissing => "web_reply_missing",
    ReplySent => "web_reply_sent",
    NotFoundTitle => "web_not_found_title",
    NotFound => "web_not_found",
    GoToTickets => "web_go_to_tickets",
}

/// Where the web desk's words come from.
pub trait Catalogue: Send + Sync {
    /// The languages there are, by code (`en`, `it`): the default first.
    fn languages(&self) -> &[&'static str];

    /// `text` in `language` (one of [`Catalogue::languages`]), its variables filled from
    /// `args`.
    fn text(&self, language: &'static str, text: Text, args: &[(&'static str, &str)]) -> String;
}

/// The language a browser gets: the best of its `Accept-Language` that the catalogues have
/// (by primary subtag: `it-CH` is Italian), else the default. Malformed entries are skipped.
pub fn negotiate(accept_language: Option<&str>, languages: &[&'static str]) -> &'static str {
    let default = languages.first().copied().unwrap_or("en");
    let Some(header) = accept_language else {
        return default;
    };
    let mut best: Option<(u16, &'static str)> = None;
    // Bounded: a header of thousands of entries costs no more than the first few.
    for entry in header.split(',').take(32) {
        let mut parts = entry.split(';');
        let tag = parts.next().unwrap_or_default().trim();
        let quality = parts
            .find_map(|p| p.trim().strip_prefix("q="))
            .map_or(Some(1000), quality);
        let Some(quality) = quality else { continue };
        let primary = tag.split('-').next().unwrap_or_default();
        let Some(code) = languages
            .iter()
            .copied()
            .find(|code| code.eq_ignore_ascii_case(primary))
        else {
            continue;
        };
        // The first of equal weights wins, as the header lists them in preference order.
        if quality > 0 && best.is_none_or(|(q, _)| quality > q) {
            best = Some((quality, code));
        }
    }
    best.map_or(default, |(_, code)| code)
}

/// A `q=` weight in thousandths (`0.8` → 800); `None` when it is not one.
fn quality(text: &str) -> Option<u16> {
    let value: f32 = text.trim().parse().ok()?;
    (0.0..=1.0)
        .contains(&value)
        .then(|| (value * 1000.0).round() as u16)
}

#[cfg(test)]
mod tests {
    use super::*;

    const LANGUAGES: &[&str] = &["en", "it", "pl"];

    #[test]
    fn the_browsers_best_language_we_have_wins() {
        let pick = |h| negotiate(Some(h), LANGUAGES);
        assert_eq!(negotiate(None, LANGUAGES), "en");
        assert_eq!(pick("it-IT,it;q=0.9,en;q=0.8"), "it");
        assert_eq!(pick("de-DE,de;q=0.9,pl;q=0.5,en;q=0.4"), "pl");
        assert_eq!(pick("en;q=0.2, PL-pl;q=0.7"), "pl");
        assert_eq!(pick("fr, de"), "en");
        assert_eq!(pick("it;q=0, pl;q=bad"), "en");
        assert_eq!(pick(""), "en");
    }

    #[test]
    fn every_key_is_a_web_id() {
        let mut keys: Vec<&str> = Text::ALL.iter().map(|t| t.key()).collect();
        assert!(keys.iter().all(|k| k.starts_with("web_")));
        keys.sort_unstable();
        keys.dedup();
        assert_eq!(keys.len(), Text::ALL.len(), "each key once");
    }
}
