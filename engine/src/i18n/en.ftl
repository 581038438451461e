### English. Every id in src/i18n/messages.rs; the desk fills the { $variables }, numbers as
### numbers, so plural selectors ({ $count -> [one] … *[other] … }) pick the English form.
### Text is plain: adapters escape it, so nothing written here or by users can ping anyone.

agents_answered_requester = { $name } answered the requester: { $text }
agents_arrived = Escalated to { $level }. Reason: { $reason }
agents_assigned = Assigned to you by { $by }.
agents_sent_back = Sent back to { $level }. Reason: { $reason }
agents_claimed = { $name } claimed this ticket.
agents_confirmed = { $name } confirmed it is solved. Closed.
agents_from_requester = { $name }: { $text }
agents_not_solved = { $name } says it is not solved yet: the ticket is open again.
agents_note = Note from { $name }: { $text }
agents_priority = { $name } set the priority to { $priority }.
agents_reopened = { $name } reopened this ticket.
agents_unclaimed = { $name } put this ticket back in the queue.
already_a_ticket = That message is already ticket { $number }.
already_answered = Ticket { $number } is not waiting for an answer any more.
already_claimed = Ticket { $number } is already taken by { $name }.
already_yours = Ticket { $number } is already yours.
assign_not_agent = { $name } cannot take ticket { $number }: they are not an agent allowed to work at { $level }.
assign_unverified = I could not check { $name }'s roles just now, so ticket { $number } was not assigned. Please try again in a minute.
audit_empty = No audit entries match.
audit_line = { $at } · { $actor } · { $action } { $target }
audit_title = Audit log: { $count ->
        [one] { $count } entry
       *[other] { $count } entries
    }
audit_usage = /helpdesk audit [#number] [@person] [days]
bad_level = Ticket { $number } is at { $level }: it cannot move to { $to } that way.
bad_usage = That command needs different arguments. Usage: { $usage }
budget_reason = the { $level } time budget of { $budget } ran out
button_claim = Claim
button_escalate = Escalate
button_not_solved = I still need help
button_note = Note
button_priority = Priority
button_resolve = Resolve
button_solved = Yes, solved
card_moved = Moved to { $level }: follow it there.
closed = Ticket { $number } was closed by { $name }.
default_title = Help request
command_helpdesk_audit = Who did what, newest first (managers)
command_option_actor = Only what this person did
escalate_needs_reason = Please say why ticket { $number } needs the next level, e.g. /ticket escalate L2 needs a visit on site
field_assignee = Assignee
field_category = Category
field_description = Description
field_due = Level due
field_impact = Impact
field_level = Level
field_note = Note
field_priority = Priority
field_reason = Reason
field_requester = Requester
field_resolution = Resolution
field_similar = Similar resolved tickets
field_specialty = Specialty
field_status = Status
field_title = Title
field_urgency = Urgency
form_escalate_title = Escalate { $number }
form_new_title = New ticket
form_note_title = Note on { $number }
form_priority_title = Priority of { $number }
form_resolve_title = Resolve { $number }
form_submit = Send
grade_high = High
grade_low = Low
grade_medium = Medium
grade_words_low = low, l
grade_words_medium = medium, m, med
grade_words_high = high, h
help_hint = Inside a ticket's thread the number is implicit. Requesters only need to write in their thread.
help_title = Help desk commands
hold_note = On hold: { $reason }
limit_new_tickets =
    { $count ->
        [one] You have opened { $count } ticket in the last hour, the most allowed. You can open the next one from { $time }; meanwhile you can write in an open ticket.
       *[other] You have opened { $count } tickets in the last hour, the most allowed. You can open the next one from { $time }; meanwhile you can write in an open ticket.
    }
limit_open_tickets =
    { $count ->
        [one] You already have { $count } open ticket ({ $numbers }). Please continue in it, or close it if you no longer need it, before opening another.
       *[other] You already have { $count } open tickets ({ $numbers }). Please continue in one of them, or close one you no longer need, before opening another.
    }
limit_others_open = { $name } already has too many open tickets, so this message was not made into another one. They can continue in one of their open tickets.
list_empty = No tickets to show.
list_title =
    { $count ->
        [one] { $count } ticket
       *[other] { $count } tickets
    }
log_assignment = assigned to { $name }
log_level = moved from { $from } to { $to }: { $reason }
log_note = (internal) { $text }
log_priority = priority { $from } → { $to }
log_resolution = resolution: { $text }
log_status = status { $from } → { $to }
log_suggestions =
    { $count ->
        [one] { $count } article suggested
       *[other] { $count } articles suggested
    }
managers_alert = Attention: ticket { $number } ({ $title }) needs a look: { $reason }.
no_channel_for_level = No channel is configured for { $level }, so nobody there would see the ticket. Ask an admin to set it up (tenants.levels, specialties).
no_further_level = There is no level beyond { $level }.
no_such_ticket = There is no ticket { $number }. Check the number with /ticket list.
nobody = nobody
not_claimed = Ticket { $number } is not claimed by anyone.
not_now = Ticket { $number } is { $status }: that is not possible now.
note_needs_text = Please write the note after the command, e.g. /ticket note called the vendor
nothing_changed = Nothing changed on ticket { $number }.
priority_capped = Tickets you open start at { $priority } at most; an agent will raise it if needed.
reason_required = Please give a reason.
refused_above_level = Ticket { $number } is at { $level }, above your support level. Ask a manager or an agent of that level.
refused_agents_only = Only help desk agents can do that.
refused_managers_only = Only help desk managers can do that.
refused_not_yours = Ticket { $number } belongs to someone else: you can only see and change your own tickets.
refused_other_team = Ticket { $number } is worked by another team ({ $level }): you cannot see or change it.
relay_closed = Ticket { $number } is closed: nothing is sent to the requester. Your message was kept as an internal note.
relay_not_agent = Only help desk agents write in this thread: your message was not added to ticket { $number }.
relay_not_allowed = You cannot work ticket { $number } at { $level }: your message was kept as an internal note and was not sent to the requester.
relay_retired_card = This card is retired: ticket { $number } is now worked at { $level }. Your message was kept as an internal note and was not sent to the requester.
requester_claimed = { $name } is now working on your ticket { $number }.
requester_closed_no_answer = Ticket { $number } was closed because we did not hear back. If you still need help, reopen it.
requester_closed_pending = Ticket { $number } was closed because we were waiting for your answer. If you still need help, reopen it.
requester_from_agent = { $name }, help desk
requester_moved_level = Your ticket { $number } has been passed to { $level } support.
requester_on_hold = Ticket { $number } is on hold while we wait for a supplier. We will tell you here when it moves.
requester_opened = Ticket { $number } is open (priority { $priority }). An { $level } agent will answer in this thread.
requester_opened_hint = Write in this thread to add details: every message reaches the agents.
requester_pending = Ticket { $number } is waiting for your answer: please reply in this thread. Without an answer it closes { $when }.
requester_reopened = Ticket { $number } is open again: we are on it.
requester_resolved_ask = Did this solve it? Without an answer the ticket closes { $when }.
requester_resolved_title = Ticket { $number } is resolved
requester_thanks_closed = Thank you! Ticket { $number } is closed.
resolve_needs_text = Please write what fixed it, e.g. /ticket resolve restarted the VPN client
stale_button = That button or form no longer matches a ticket. Please use /ticket show.
status_closed = Closed
status_new = New
status_on_hold = On hold
status_open = Open
status_pending = Waiting on requester
status_resolved = Resolved
text_cut =
    { $max ->
        [one] Your message was longer than { $max } character: the first { $max } was kept.
       *[other] Your message was longer than { $max } characters: the first { $max } were kept.
    }
ticket_is_closed = Ticket { $number } is closed, so this message did not reach the agents. Reopen it if the problem is back, or open a new ticket for something else.
unknown_command = The help desk does not know /{ $name }. Try /ticket help.
unknown_subcommand = The help desk does not know "{ $name }". Try /ticket help.
usage_assign = /ticket assign [#N] @person: give the ticket to someone
usage_claim = /ticket claim [#N]: take the ticket
usage_close = /ticket close [#N]: close for good
usage_deescalate = /ticket deescalate [#N] reason: back to the level below
usage_escalate = /ticket escalate [#N] [L2|L3] [specialty] reason: to the next level
usage_help = /ticket help: this list
usage_hold = /ticket hold [#N] reason: wait on a supplier
usage_list = /ticket list [mine|queue|level|all]: list tickets
usage_new = /ticket new [title]: open a ticket (no title: a form)
usage_note = /ticket note [#N] text: internal note, never shown to the requester
usage_pending = /ticket pending [#N]: wait on the requester
usage_priority = /ticket priority [#N] urgency impact: each low, medium or high
usage_reopen = /ticket reopen [#N]: open again
usage_resolve = /ticket resolve [#N] resolution: ask the requester to confirm
usage_resume = /ticket resume [#N]: back to work after pending or hold
usage_show = /ticket show [#N]: the ticket and its latest log
usage_unclaim = /ticket unclaim [#N]: back to the queue
use_the_command = This needs a form your chat app cannot open here: please use the /ticket command instead (/ticket help).
which_specialty = Which L3 specialty? Add one of: { $specialties }
which_ticket = Which ticket? Add its number, e.g. #42, or use the command in the ticket's thread.

## Knowledge base
agents_deflected = { $name } solved it with the article "{ $title }". Closed without an agent.
button_article_not_solved = I still need help
button_article_solved = This solved it
button_open = Open
field_body = Text (Markdown)
field_language = Language
field_tags = Tags, separated by commas
form_kb_edit_title = Edit article
form_kb_new_title = New article
kb_help = Knowledge base: /kb search words · /kb show id · /kb add · /kb edit id · /kb promote #N (agents write, everyone reads)
kb_invalid = The article was not saved: { $reason }.
kb_no_such_article = There is no article { $slug } here. Try /kb search.
kb_not_resolved = Ticket { $number } has no resolution yet: resolve it first, then promote it.
kb_nothing_found = Nothing found in the knowledge base. Try other words, or open a ticket with /ticket new.
kb_problem_heading = Problem
kb_resolution_heading = Resolution
kb_results_title =
    { $count ->
        [one] { $count } article
       *[other] { $count } articles
    }
kb_saved = Article { $slug } saved (revision { $revision }).
kb_shared_admins_only = Article { $slug } is shared by the whole installation: only installation admins may edit it. Write your own with /kb add.
kb_unavailable = The knowledge base is not available right now.
log_attachment = attached { $name }
log_requester_direct = the conversation moved to the requester's direct messages
log_requester_unreachable = the requester could not be reached in chat
requester_moved_to_direct = I could not write to you where you asked for help, so your ticket { $number } goes on here. Just answer here: the agents read it.
agents_requester_moved_to_direct = Ticket { $number }: the bot can no longer write where the requester asked, so the conversation goes on in their direct messages.
agents_requester_unreachable = Ticket { $number }: { $name } cannot be reached in chat (the bot may not write where they asked, nor in their direct messages). Please contact them another way; what did not reach them follows.
agents_undelivered = Not delivered to the requester: { $text }
card_requester_direct = { $name } (in direct messages)
card_requester_unreachable = { $name } ⚠ not reachable in chat
log_deflected = solved by article { $article } (self-service)
requester_deflected = Glad it helped! Ticket { $number } is closed. Write here if the problem comes back.
requester_still_needs_help = Thanks for telling us. An agent will answer ticket { $number } in this thread.
suggestions_intro = While you wait, these articles may already have the answer:

## Service levels
field_sla = SLA
sla_first_response = first response
sla_resolution = resolution
sla_warning = Ticket { $number }: most of the { $what } target ({ $target }) is used up.
sla_breach_reason = the { $what } target of { $target } was breached
sla_breached = breached
sla_at_risk = at risk
sla_on_track = on track
sla_paused = paused while waiting on the requester
sla_line = { $what } due { $due } · { $state }

## Reports
stats_usage = Usage: /helpdesk stats [7d|30d|24h] (managers)
stats_title = Help desk, last { $period }

## Satisfaction
feedback_ask = How did we do on ticket { $number }? Rate the help from 1 to 5 stars.
feedback_already = Thank you, ticket { $number } has its rating already.
feedback_low_reason = the requester rated the help { $score }/5
feedback_form_title = Anything to add?
feedback_thanks = Thank you for your feedback!
field_comment = Comment (optional)
log_rated = rated the help { $score }/5
transcript_title = Transcript of ticket { $number }
transcript_hint = The whole transcript: helpdesk ticket export { $number } --format md|html|json
stats_volumes = { $opened ->
        [one] { $opened } ticket opened
       *[other] { $opened } tickets opened
    } · { $closed } closed
stats_times = First response p50 { $fr50 } · p90 { $fr90 } · resolution p50 { $r50 } · p90 { $r90 }
stats_rates = SLA compliance { $sla } · escalated to L2 { $l2 } · to L3 { $l3 } · KB deflection { $deflection }
stats_satisfaction = Satisfaction { $score } / 5 ({ $count ->
        [one] { $count } rating
       *[other] { $count } ratings
    })

## App Home: a person's own page of the bot
home_title = Help desk
home_intro = Ask for help with the button below, with /ticket new, or by writing to me here.
home_asked = Your requests ({ $count })
home_held = Assigned to you ({ $count })
home_queue = Waiting in your queue ({ $count })
interaction_received = Got it: the help desk is on it.
desk_unavailable = Sorry, the help desk cannot take this right now. Please try again in a minute.
desk_not_set_up = The help desk is not set up in this workspace or server. Please ask your administrator to set it up.
dm_not_member = Sorry, only members of the server this help desk serves can write to it here. Please ask through your own organisation's help desk.
discord_commands_handled = This bot handles /ticket, /kb and /helpdesk.

## Command pickers: descriptions (up to 100 characters) and Discord's message command name.
command_ticket = Help desk tickets
command_kb = The knowledge base
command_helpdesk = Help desk reports
discord_create_ticket = Create ticket
command_ticket_new = Open a ticket (no title: a form)
command_ticket_claim = Take the ticket
command_ticket_unclaim = Back to the queue
command_ticket_assign = Give the ticket to someone
command_ticket_escalate = To the next level
command_ticket_deescalate = Back to the level below
command_ticket_priority = Set urgency and impact
command_ticket_pending = Wait on the requester
command_ticket_hold = Wait on a supplier
command_ticket_resume = Back to work
command_ticket_resolve = Ask the requester to confirm the fix
command_ticket_reopen = Open again
command_ticket_close = Close for good
command_ticket_note = Internal note, never shown to the requester
command_ticket_show = The ticket and its latest log
command_ticket_list = List tickets
command_ticket_help = What the desk can do
command_kb_search = Search the knowledge base
command_kb_show = Show an article
command_kb_add = Write an article (agents)
command_kb_edit = Edit an article (agents)
command_kb_promote = Draft an article from a resolved ticket (agents)
command_helpdesk_stats = Numbers for a period (managers)
command_option_ticket = Ticket number (default: this thread's ticket)
command_option_ticket_required = Ticket number
command_option_title = What is wrong
command_option_person = Who takes it
command_option_reason = Why
command_option_level = Which level
command_option_specialty = L3 specialty
command_option_urgency = How urgent
command_option_impact = How many are affected
command_option_resolution = The fix
command_option_note = The note
command_option_scope = Which tickets
command_option_query = What to look for
command_option_article = Article id
command_option_period = Period: 7d, 30d…

kb_invalid_slug = id { $slug } must be 1–{ $max } letters, digits, '-', '_' or '.'
kb_invalid_title = the title must be 1–{ $max } characters
kb_invalid_body = the body must be at most { $max ->
        [one] { $max } character
       *[other] { $max } characters
    }
transcript_heading = Ticket { $number } — { $title }
transcript_priority = { $priority } (urgency { $urgency }, impact { $impact })
transcript_opened = Opened
transcript_closed = Closed
transcript_conversation = Conversation
transcript_attachments = Attachments
transcript_no_attachments = None recorded.
transcript_internal = internal
date_time_format = %Y-%m-%d %H:%M UTC
date_time_seconds_format = %Y-%m-%d %H:%M:%S UTC

## Command pickers: Discord's names of the commands, subcommands and options (lower case,
## no spaces, up to 32 letters). English names are the table's own, which Discord sends back.
command_ticket_name = ticket
command_kb_name = kb
command_helpdesk_name = helpdesk
command_ticket_new_name = new
command_ticket_claim_name = claim
command_ticket_unclaim_name = unclaim
command_ticket_assign_name = assign
command_ticket_escalate_name = escalate
command_ticket_deescalate_name = deescalate
command_ticket_priority_name = priority
command_ticket_pending_name = pending
command_ticket_hold_name = hold
command_ticket_resume_name = resume
command_ticket_resolve_name = resolve
command_ticket_reopen_name = reopen
command_ticket_close_name = close
command_ticket_note_name = note
command_ticket_show_name = show
command_ticket_list_name = list
command_ticket_help_name = help
command_kb_search_name = search
command_kb_show_name = show
command_kb_add_name = add
command_kb_edit_name = edit
command_kb_promote_name = promote
command_helpdesk_stats_name = stats
command_helpdesk_audit_name = audit
command_option_ticket_name = ticket
command_option_ticket_required_name = ticket
command_option_title_name = title
command_option_person_name = person
command_option_reason_name = reason
command_option_level_name = level
command_option_specialty_name = specialty
command_option_urgency_name = urgency
command_option_impact_name = impact
command_option_resolution_name = resolution
command_option_note_name = text
command_option_scope_name = scope
command_option_query_name = query
command_option_article_name = id
command_option_period_name = period
command_option_actor_name = person

## Durations in words: each unit ("3 days"), the same units as they read after "in", two units
## together, and a time from now ("in 3 days").
duration_days =
    { $count ->
        [one] { $count } day
       *[other] { $count } days
    }
duration_hours =
    { $count ->
        [one] { $count } hour
       *[other] { $count } hours
    }
duration_minutes =
    { $count ->
        [one] { $count } minute
       *[other] { $count } minutes
    }
duration_seconds =
    { $count ->
        [one] { $count } second
       *[other] { $count } seconds
    }
in_days =
    { $count ->
        [one] { $count } day
       *[other] { $count } days
    }
in_hours =
    { $count ->
        [one] { $count } hour
       *[other] { $count } hours
    }
in_minutes =
    { $count ->
        [one] { $count } minute
       *[other] { $count } minutes
    }
in_seconds =
    { $count ->
        [one] { $count } second
       *[other] { $count } seconds
    }
duration_pair = { $first } { $second }
duration_in = in { $duration }
joined_open_ticket = Added to your open ticket { $number }. If this is about something else, open a new ticket.
courtesy_no_ticket = If you need help, describe the problem in a message here, or open a new ticket.
mention_help = Hi! I take requests for help in a direct message to me, or with /ticket new in any channel. Press the button to open a ticket now.
button_reopen = Reopen
agents_kb_not_solved = { $name } says the suggested articles did not solve ticket { $number }: over to you.
agents_kb_grace_over = Ticket { $number }: the suggested articles have not solved it so far: over to you.

## helpdesk demo: the narration, the people's lines and the articles
demo_intro = helpdesk demo: one ticket from question to confirmed fix, through the real engine (in-memory chat platform, temporary SQLite database, a knowledge base of 3 articles).
demo_channels = Channels of the example tenant (requests come in through #help):
demo_employee = { $name } (employee)
demo_network = { $name } (L3 network)
demo_acts = { $name } in { $place } { $what }
demo_writes = writes: { $text }
demo_types = types: { $text }
demo_clicks = clicks [{ $button }]
demo_in_thread = { $channel } › thread { $thread }
demo_at_message = { $channel } › message { $message }
demo_only_sees = { $channel } (only { $user } sees it)
demo_bot = bot ▸ { $place } { $verb }:
demo_posts = posts
demo_replies = replies
demo_updates = updates the card
demo_tells = tells
demo_reacts = bot ▸ { $channel }: reacts :{ $emoji }: to { $message } (kept internal)
demo_pings = pings
demo_step_asks = Mario writes in #help: the knowledge base answers first, and the card reaches L1 without paging anyone
demo_step_again = A minute later Mario writes again in #help: the line joins his open ticket instead of opening another
demo_step_unhelpful = Mario reads the suggested article: it does not help, so L1 is paged now
demo_step_claim = Ada (L1) clicks Claim on the card
demo_step_answer = Ada answers in the card's thread
demo_step_reply = Mario replies in his thread
demo_step_escalate = Ada escalates to L2 with a reason
demo_step_l2 = Bruno (L2) claims it and escalates to the L3 network specialists
demo_step_internal = Nina (L3) writes in her card's thread: internal, L3 stays away from the requester
demo_step_resolve = Nina resolves
demo_step_confirm = Mario confirms the fix
demo_step_rate = Mario rates the help: five stars
demo_summary = Ticket { $number } is { $status } (priority { $priority }, level { $level }). Its log holds { $entries ->
    [one] { $entries } entry
   *[other] { $entries } entries
}; `helpdesk ticket show` prints them on a real database.
demo_line_ask = My VPN is down since this morning, error 809
demo_line_again = Colleagues in room 4 cannot connect either
demo_line_answer = Could you restart the VPN client and try again?
demo_line_reply = Restarted, still error 809.
demo_line_escalate = several users, client is fine: looks like the gateway
demo_line_l3 = gateway drops IKE packets since the 02:00 update
demo_line_internal = Known firmware bug, rolling back the gateway.
demo_line_resolve = Rolled the VPN gateway back to the previous firmware.
demo_article_vpn_title = VPN error 809 when connecting
demo_article_vpn_body = Error 809 means the VPN client cannot reach the gateway. Restart the VPN client; if it persists, check that your network allows UDP ports 500 and 4500.
demo_article_outlook_title = Outlook crashes at start
demo_article_outlook_body = Start Outlook in safe mode (`outlook.exe /safe`) and disable the add-ins one by one.
demo_article_password_title = Reset a forgotten password
demo_article_password_body = Use the self-service portal and follow the steps; the new password works everywhere within 5 minutes.
requester_desk_closed = The help desk is closed now and opens on { $time } ({ $zone } time): until then your ticket waits in the queue.
requester_expected_response = An agent usually answers within { $duration }.
requester_expected_response_working = An agent usually answers within { $duration } of working time.
date_time_local_format = %Y-%m-%d at %H:%M

## Files shared in a conversation: a file's size (the number already written with the
## language's decimal mark), a file's link label, and the line for files shared without words.
file_size_bytes = { $count } B
file_size_kb = { $size } KB
file_size_mb = { $size } MB
file_size_gb = { $size } GB
file_label = { $name } ({ $size })
shared_files =
    { $count ->
        [one] { $name } shared { $count } file
       *[other] { $name } shared { $count } files
    }

## The web desk: sign-in, the first-start setup page and the landing page. `name` is an
## account name, `role` one of the web_role_* texts, `level` a support level's number.
web_desk_name = Help desk
web_skip_to_content = Skip to the content
web_sign_in_title = Sign in
web_name_label = Account name
web_password_label = Password
web_password_again_label = Password again
web_sign_in_button = Sign in
web_sign_in_failed = That account name and password do not match. Check them and try again.
web_sign_in_throttled = Too many failed sign-ins. Please wait a few minutes, then try again.
web_signed_out = You are signed out.
web_session_ended = Your session has ended. Please sign in again.
web_sign_out_button = Sign out
web_home_title = Your help desk
web_home_signed_in = You are signed in as { $name }.
web_home_role = Your role: { $role }.
web_home_next = Open a ticket, or follow yours under My tickets. The agent console comes next.
web_role_requester = requester
web_role_agent = agent at level { $level }
web_role_manager = help desk manager
web_role_admin = administrator
web_setup_title = Set up the help desk
web_setup_intro = Create the first administrator account. This link works once.
web_setup_button = Create the administrator
web_setup_gone = This setup link is not valid: it was used already, or the help desk was restarted. If an administrator exists, sign in.
web_bad_name = An account name has 2 to 64 characters: letters a-z, digits, '.', '-' and '_', starting with a letter or digit.
web_bad_password = A password has at least 10 characters (at most 1024).
web_passwords_differ = The two passwords are not the same.
web_name_taken = That account name is taken: choose another.
web_form_expired_title = This form has expired
web_form_expired = The form was sent without its security token, or from another page. Go back, reload the page and try again.
web_unavailable_title = The help desk is unavailable
web_unavailable = The help desk cannot answer right now. Please try again in a moment.
web_go_to_sign_in = Go to the sign-in page
web_nav_tickets = My tickets
web_nav_new_ticket = Open a ticket
web_nav_label = Main menu
web_tickets_title = My tickets
web_tickets_none = You have no tickets yet.
web_column_number = Number
web_column_title = Title
web_column_status = Status
web_column_level = Level
web_column_updated = Updated
web_notices_title = Latest messages from the help desk
web_new_ticket_title = Open a ticket
web_new_ticket_intro = Tell us what is wrong. You can follow the answers under My tickets.
web_title_label = Title
web_description_label = What happened?
web_new_ticket_button = Send the ticket
web_title_missing = Give your ticket a title.
web_description_missing = Describe the problem in a few words.
web_ticket_sent = Your ticket was sent to the help desk.
web_ticket_title = Ticket #{ $number }
web_conversation_title = Conversation
web_conversation_empty = Nothing has been said yet.
web_reply_label = Your reply
web_reply_button = Send the reply
web_reply_missing = Write your reply first.
web_reply_sent = Your reply was sent.
web_not_found_title = Not found
web_not_found = There is no such page, or it is not yours.
web_go_to_tickets = Go to My tickets
