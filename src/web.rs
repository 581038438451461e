//! The web desk over the engine: its [`Accounts`] kept in the engine's store, its
//! [`Catalogue`] the engine's message catalogues, and its roles the desk's own. Here, in the
//! binary's library, because only the binary knows both sides (the web adapter must not depend
//! on the engine), and the tests drive the real router over the real store through it.

use helpdesk_engine::domain::{AccountRole, Level, Person};
use helpdesk_engine::i18n::{self, Arg, Language, Msg};
use helpdesk_engine::store::{AccountAdded, Store, StoreError, WebAccount, WebSession};
use helpdesk_web::{
    Account, Accounts, Added, Catalogue, Role, Session, StoreFailure, StoreFuture, Text, Tier,
    Username,
};
use std::time::SystemTime;

mod portal;

pub use portal::web_tenant;

/// The web desk's accounts and sessions in the engine's store.
#[derive(Clone)]
pub struct StoreAccounts(pub Store);

/// The desk role of a web role.
pub fn account_role(role: Role) -> AccountRole {
    match role {
        Role::Requester => AccountRole::Requester,
        Role::Agent(Tier::L1) => AccountRole::Agent(Level::L1),
        Role::Agent(Tier::L2) => AccountRole::Agent(Level::L2),
        Role::Agent(Tier::L3) => AccountRole::Agent(Level::L3),
        Role::Manager => AccountRole::Manager,
        Role::Admin => AccountRole::Admin,
    }
}

/// The web role of a desk role.
pub fn web_role(role: AccountRole) -> Role {
    match role {
        AccountRole::Requester => Role::Requester,
        AccountRole::Agent(Level::L1) => Role::Agent(Tier::L1),
        AccountRole::Agent(Level::L2) => Role::Agent(Tier::L2),
        AccountRole::Agent(Level::L3) => Role::Agent(Tier::L3),
        AccountRole::Manager => Role::Manager,
        AccountRole::Admin => Role::Admin,
    }
}

/// A web account as the audit log names its acts: `web:NAME`.
pub fn web_person(name: &Username) -> Person {
    Person::new(format!("web:{name}"), name.as_str())
}

fn failure(e: StoreError) -> StoreFailure {
    StoreFailure(e.to_string())
}

fn account(a: WebAccount) -> Result<Account, StoreFailure> {
    Ok(Account {
        id: a.id,
        // Names are checked before they are stored; one edited by hand is reported.
        name: Username::parse(&a.name)
            .map_err(|e| StoreFailure(format!("stored account name {:?}: {e}", a.name)))?,
        role: web_role(a.role),
        password_hash: a.password_hash,
    })
}

fn session(s: WebSession) -> Result<Session, StoreFailure> {
    Ok(Session {
        account: account(s.account)?,
        csrf_token: s.csrf_token,
        created_at: s.created_at.into(),
        seen_at: s.seen_at.into(),
    })
}

fn at(t: SystemTime) -> helpdesk_engine::domain::Timestamp {
    t.into()
}

impl Accounts for StoreAccounts {
    fn account<'a>(&'a self, name: &'a Username) -> StoreFuture<'a, Option<Account>> {
        Box::pin(async move {
            self.0
                .web_account(name.as_str())
                .await
                .map_err(failure)?
                .map(account)
                .transpose()
        })
    }

    fn admin_exists(&self) -> StoreFuture<'_, bool> {
        Box::pin(async move { self.0.web_admin_exists().await.map_err(failure) })
    }

    fn add_first_admin<'a>(
        &'a self,
        name: &'a Username,
        password_hash: &'a str,
        now: SystemTime,
    ) -> StoreFuture<'a, Added> {
        Box::pin(async move {
            let added = self
                .0
                .add_web_account(
                    &web_person(name),
                    name.as_str(),
                    AccountRole::Admin,
                    password_hash,
                    true,
                    at(now),
                )
                .await
                .map_err(failure)?;
            Ok(match added {
                AccountAdded::Added => Added::Added,
                AccountAdded::NameTaken => Added::NameTaken,
                AccountAdded::AdminExists => Added::AdminExists,
            })
        })
    }

    fn add_session<'a>(
        &'a self,
        id_hash: &'a str,
        account: i64,
        csrf_token: &'a str,
        now: SystemTime,
    ) -> StoreFuture<'a, ()> {
        Box::pin(async move {
            self.0
                .add_web_session(id_hash, account, csrf_token, at(now))
                .await
                .map_err(failure)
        })
    }

    fn session<'a>(&'a self, id_hash: &'a str) -> StoreFuture<'a, Option<Session>> {
        Box::pin(async move {
            self.0
                .web_session(id_hash)
                .await
                .map_err(failure)?
                .map(session)
                .transpose()
        })
    }

    fn touch_session<'a>(&'a self, id_hash: &'a str, now: SystemTime) -> StoreFuture<'a, ()> {
        Box::pin(async move {
            self.0
                .touch_web_session(id_hash, at(now))
                .await
                .map_err(failure)
        })
    }

    fn remove_session<'a>(&'a self, id_hash: &'a str) -> StoreFuture<'a, ()> {
        Box::pin(async move { self.0.remove_web_session(id_hash).await.map_err(failure) })
    }

    fn prune_sessions(
        &self,
        seen_before: SystemTime,
        created_before: SystemTime,
    ) -> StoreFuture<'_, u64> {
        Box::pin(async move {
            self.0
                .prune_web_sessions(at(seen_before), at(created_before))
                .await
                .map_err(failure)
        })
    }
}

/// The web desk's words from the engine's catalogues.
pub struct Catalogues {
    codes: Vec<&'static str>,
}

impl Default for Catalogues {
    fn default() -> Self {
        Catalogues {
            codes: Language::ALL.iter().map(|l| l.code()).collect(),
        }
    }
}

/// The catalogue message of a web text: a match, so a text without its message does not
/// compile.
pub fn msg(text: Text) -> Msg {
    match text {
        Text::DeskName => Msg::WebDeskName,
        Text::SkipToContent => Msg::WebSkipToContent,
        Text::SignInTitle => Msg::WebSignInTitle,
        Text::NameLabel => Msg::WebNameLabel,
        Text::PasswordLabel => Msg::WebPasswordLabel,
        Text::PasswordAgainLabel => Msg::WebPasswordAgainLabel,
        Text::SignInButton => Msg::WebSignInButton,
        Text::SignInFailed => Msg::WebSignInFailed,
        Text::SignInThrottled => Msg::WebSignInThrottled,
        Text::SignedOut => Msg::WebSignedOut,
        Text::SessionEnded => Msg::WebSessionEnded,
        Text::SignOutButton => Msg::WebSignOutButton,
        Text::HomeTitle => Msg::WebHomeTitle,
        Text::HomeSignedIn => Msg::WebHomeSignedIn,
        Text::HomeRole => Msg::WebHomeRole,
        Text::HomeNext => Msg::WebHomeNext,
        Text::RoleRequester => Msg::WebRoleRequester,
        Text::RoleAgent => Msg::WebRoleAgent,
        Text::RoleManager => Msg::WebRoleManager,
        Text::RoleAdmin => Msg::WebRoleAdmin,
        Text::SetupTitle => Msg::WebSetupTitle,
        Text::SetupIntro => Msg::WebSetupIntro,
        Text::SetupButton => Msg::WebSetupButton,
        Text::SetupGone => Msg::WebSetupGone,
        Text::BadName => Msg::WebBadName,
        Text::BadPassword => Msg::WebBadPassword,
        Text::PasswordsDiffer => Msg::WebPasswordsDiffer,
        Text::NameTaken => Msg::WebNameTaken,
        Text::FormExpiredTitle => Msg::WebFormExpiredTitle,
        Text::FormExpired => Msg::WebFormExpired,
        Text::UnavailableTitle => Msg::WebUnavailableTitle,
        Text::Unavailable => Msg::WebUnavailable,
        Text::GoToSignIn => Msg::WebGoToSignIn,
        Text::NavTickets => Msg::WebNavTickets,
        Text::NavNewTicket => Msg::WebNavNewTicket,
        Text::NavLabel => Msg::WebNavLabel,
        Text::TicketsTitle => Msg::WebTicketsTitle,
        Text::TicketsNone => Msg::WebTicketsNone,
        Text::ColumnNumber => Msg::WebColumnNumber,
        Text::ColumnTitle => Msg::WebColumnTitle,
        Text::ColumnStatus => Msg::WebColumnStatus,
        Text::ColumnLevel => Msg::WebColumnLevel,
        Text::ColumnUpdated => Msg::WebColumnUpdated,
        Text::NoticesTitle => Msg::WebNoticesTitle,
        Text::NewTicketTitle => Msg::WebNewTicketTitle,
        Text::NewTicketIntro => Msg::WebNewTicketIntro,
        Text::TitleLabel => Msg::WebTitleLabel,
        Text::DescriptionLabel => Msg::WebDescriptionLabel,
        Text::NewTicketButton => Msg::WebNewTicketButton,
        Text::TitleMissing => Msg::WebTitleMissing,
        Text::DescriptionMissing => Msg::WebDescriptionMissing,
        Text::TicketSent => Msg::WebTicketSent,
        Text::TicketTitle => Msg::WebTicketTitle,
        Text::ConversationTitle => Msg::WebConversationTitle,
        Text::ConversationEmpty => Msg::WebConversationEmpty,
        Text::ReplyLabel => Msg::WebReplyLabel,
        Text::ReplyButton => Msg::WebReplyButton,
        Text::ReplyMissing => Msg::WebReplyMissing,
        Text::ReplySent => Msg::WebReplySent,
        Text::NotFoundTitle => Msg::WebNotFoundTitle,
        Text::NotFound => Msg::WebNotFound,
        Text::GoToTickets => Msg::WebGoToTickets,
    }
}

impl Catalogue for Catalogues {
    fn languages(&self) -> &[&'static str] {
        &self.codes
    }

    fn text(&self, language: &'static str, text: Text, args: &[(&'static str, &str)]) -> String {
        let lang = Language::from_locale(language).unwrap_or(Language::En);
        let m = msg(text);
        let args: Vec<(&str, Arg)> = args.iter().map(|(k, v)| (*k, Arg::text(v))).collect();
        i18n::text(lang, m, &args)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_web_text_is_its_own_message_in_every_language() {
        let catalogues = Catalogues::default();
        for text in Text::ALL {
            assert_eq!(msg(*text).key(), text.key(), "{text:?}");
            for language in catalogues.languages() {
                let said = catalogues.text(language, *text, &[]);
                assert!(
                    !said.is_empty() && said != text.key(),
                    "{text:?} in {language}"
                );
            }
        }
    }

    #[test]
    fn roles_map_one_to_one() {
        for role in AccountRole::ALL {
            assert_eq!(account_role(web_role(role)), role);
        }
    }

    /// The portal's intake form is the desk's new-ticket form: the web adapter names it by
    /// its text, as it cannot depend on the engine.
    #[test]
    fn the_portal_submits_the_desks_new_ticket_form() {
        use helpdesk_engine::desk::keys::FormId;
        assert_eq!(
            helpdesk_web::events::NEW_TICKET_FORM,
            FormId::NewTicket.to_string()
        );
        assert_eq!(
            helpdesk_web::events::NEW_TICKET_FORM.parse::<FormId>().ok(),
            Some(FormId::NewTicket)
        );
    }

    #[test]
    fn the_default_language_is_english() {
        assert_eq!(Catalogues::default().languages().first(), Some(&"en"));
    }
}
