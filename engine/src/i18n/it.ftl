### Italiano. Ogni id di src/i18n/messages.rs; il desk riempie le { $variabili }, i numeri come
### numeri, così i selettori di plurale ({ $count -> [one] … *[other] … }) scelgono la forma.
### Testo semplice: gli adattatori lo rendono inerte, nessuno viene menzionato per errore.

agents_answered_requester = { $name } ha risposto al richiedente: { $text }
agents_arrived = Passato a { $level }. Motivo: { $reason }
agents_assigned = Assegnato a te da { $by }.
agents_sent_back = Rimandato a { $level }. Motivo: { $reason }
agents_claimed = { $name } ha preso in carico questo ticket.
agents_confirmed = { $name } ha confermato che è risolto. Chiuso.
agents_from_requester = { $name }: { $text }
agents_not_solved = { $name } dice che non è ancora risolto: il ticket è di nuovo aperto.
agents_note = Nota di { $name }: { $text }
agents_priority = { $name } ha impostato la priorità { $priority }.
agents_reopened = { $name } ha riaperto questo ticket.
agents_unclaimed = { $name } ha rimesso questo ticket in coda.
already_a_ticket = Quel messaggio è già il ticket { $number }.
already_answered = Il ticket { $number } non attende più una risposta.
already_claimed = Il ticket { $number } è già in carico a { $name }.
already_yours = Il ticket { $number } è già tuo.
assign_not_agent = { $name } non può prendere il ticket { $number }: non è un tecnico abilitato a lavorare a { $level }.
assign_unverified = Non sono riuscito a verificare i ruoli di { $name }, quindi il ticket { $number } non è stato assegnato. Riprova tra un minuto.
audit_empty = Nessuna voce del registro corrisponde.
audit_line = { $at } · { $actor } · { $action } { $target }
audit_title = Registro di controllo: { $count ->
        [one] { $count } voce
       *[other] { $count } voci
    }
audit_usage = /helpdesk audit [#numero] [@persona] [giorni]
bad_level = Il ticket { $number } è a { $level }: non può passare a { $to } così.
bad_usage = Il comando richiede altri argomenti. Uso: { $usage }
budget_reason = è scaduto il tempo di { $budget } previsto per { $level }
button_claim = Prendi in carico
button_escalate = Scala
button_not_solved = Ho ancora bisogno di aiuto
button_note = Nota
button_priority = Priorità
button_resolve = Risolvi
button_solved = Sì, risolto
card_moved = Passato a { $level }: seguilo lì.
closed = Il ticket { $number } è stato chiuso da { $name }.
default_title = Richiesta di assistenza
command_helpdesk_audit = Chi ha fatto cosa, dal più recente (responsabili)
command_option_actor = Solo ciò che ha fatto questa persona
escalate_needs_reason = Indica perché il ticket { $number } richiede il livello successivo, ad es. /ticket escalate L2 serve un intervento sul posto
field_assignee = Assegnatario
field_category = Categoria
field_description = Descrizione
field_due = Scadenza livello
field_impact = Impatto
field_level = Livello
field_note = Nota
field_priority = Priorità
field_reason = Motivo
field_requester = Richiedente
field_resolution = Soluzione
field_similar = Ticket simili risolti
field_specialty = Specialità
field_status = Stato
field_title = Titolo
field_urgency = Urgenza
form_escalate_title = Scala { $number }
form_new_title = Nuovo ticket
form_note_title = Nota su { $number }
form_priority_title = Priorità di { $number }
form_resolve_title = Risolvi { $number }
form_submit = Invia
grade_high = Alta
grade_low = Bassa
grade_medium = Media
grade_words_low = bassa, basso
grade_words_medium = media, medio
grade_words_high = alta, alto
help_hint = Nel thread di un ticket il numero è implicito. Chi chiede aiuto deve solo scrivere nel proprio thread.
help_title = Comandi dell'help desk
hold_note = In attesa: { $reason }
limit_new_tickets = Hai aperto { $count } ticket nell'ultima ora, il massimo consentito. Potrai aprire il prossimo dalle { $time }; nel frattempo puoi scrivere in un ticket aperto.
limit_open_tickets =
    { $count ->
        [one] Hai già { $count } ticket aperto ({ $numbers }). Continua in quello, oppure chiudilo se non ti serve più, prima di aprirne un altro.
       *[other] Hai già { $count } ticket aperti ({ $numbers }). Continua in uno di questi, oppure chiudine uno che non ti serve più, prima di aprirne un altro.
    }
limit_others_open = { $name } ha già troppi ticket aperti, quindi questo messaggio non è diventato un nuovo ticket. Può continuare in uno dei suoi ticket aperti.
list_empty = Nessun ticket da mostrare.
list_title = { $count } ticket
log_assignment = assegnato a { $name }
log_level = passato da { $from } a { $to }: { $reason }
log_note = (interna) { $text }
log_priority = priorità { $from } → { $to }
log_resolution = soluzione: { $text }
log_status = stato { $from } → { $to }
log_suggestions =
    { $count ->
        [one] { $count } articolo suggerito
       *[other] { $count } articoli suggeriti
    }
managers_alert = Attenzione: il ticket { $number } ({ $title }) richiede un controllo: { $reason }.
no_channel_for_level = Non è configurato un canale per { $level }: nessuno lì vedrebbe il ticket. Chiedi a un amministratore di configurarlo (tenants.levels, specialties).
no_further_level = Non esiste un livello oltre { $level }.
no_such_ticket = Il ticket { $number } non esiste. Controlla il numero con /ticket list.
nobody = nessuno
not_claimed = Il ticket { $number } non è in carico a nessuno.
not_now = Il ticket { $number } è nello stato { $status }: ora non è possibile.
note_needs_text = Scrivi la nota dopo il comando, ad es. /ticket note chiamato il fornitore
nothing_changed = Nessuna modifica al ticket { $number }.
priority_capped = I ticket che apri partono al massimo da { $priority }; se serve, un tecnico la alzerà.
reason_required = Indica un motivo.
refused_above_level = Il ticket { $number } è a { $level }, sopra il tuo livello di supporto. Chiedi a un responsabile o a un tecnico di quel livello.
refused_agents_only = Solo i tecnici dell'help desk possono farlo.
refused_managers_only = Solo i responsabili dell'help desk possono farlo.
refused_not_yours = Il ticket { $number } appartiene a un'altra persona: puoi vedere e modificare solo i tuoi ticket.
refused_other_team = Il ticket { $number } è gestito da un altro gruppo ({ $level }): non puoi vederlo né modificarlo.
relay_closed = Il ticket { $number } è chiuso: al richiedente non viene inviato nulla. Il tuo messaggio è stato salvato come nota interna.
relay_not_agent = In questa discussione scrivono solo i tecnici dell'help desk: il tuo messaggio non è stato aggiunto al ticket { $number }.
relay_not_allowed = Non puoi lavorare il ticket { $number } a { $level }: il tuo messaggio è stato salvato come nota interna e non è stato inviato al richiedente.
relay_retired_card = Questa scheda non è più attiva: il ticket { $number } ora è gestito a { $level }. Il tuo messaggio è stato salvato come nota interna e non è stato inviato al richiedente.
requester_claimed = { $name } sta ora lavorando al tuo ticket { $number }.
requester_closed_no_answer = Il ticket { $number } è stato chiuso perché non abbiamo ricevuto risposta. Se hai ancora bisogno di aiuto, riaprilo.
requester_closed_pending = Il ticket { $number } è stato chiuso perché aspettavamo una tua risposta. Se hai ancora bisogno di aiuto, riaprilo.
requester_from_agent = { $name }, help desk
requester_moved_level = Il tuo ticket { $number } è stato passato al supporto { $level }.
requester_on_hold = Il ticket { $number } è in attesa di un fornitore. Ti aggiorneremo qui.
requester_opened = Il ticket { $number } è aperto (priorità { $priority }). Un tecnico { $level } risponderà in questo thread.
requester_opened_hint = Scrivi in questo thread per aggiungere dettagli: ogni messaggio arriva ai tecnici.
requester_pending = Il ticket { $number } attende una tua risposta: rispondi in questo thread. Senza risposta si chiude { $when }.
requester_reopened = Il ticket { $number } è di nuovo aperto: ci stiamo lavorando.
requester_resolved_ask = Ha risolto il problema? Senza risposta il ticket si chiude { $when }.
requester_resolved_title = Il ticket { $number } è risolto
requester_thanks_closed = Grazie! Il ticket { $number } è chiuso.
resolve_needs_text = Scrivi cosa ha risolto il problema, ad es. /ticket resolve riavviato il client VPN
stale_button = Quel pulsante o modulo non corrisponde più a un ticket. Usa /ticket show.
status_closed = Chiuso
status_new = Nuovo
status_on_hold = In attesa
status_open = Aperto
status_pending = In attesa del richiedente
status_resolved = Risolto
text_cut =
    { $max ->
        [one] Il tuo messaggio superava { $max } carattere: è stato conservato il primo.
       *[other] Il tuo messaggio superava { $max } caratteri: sono stati conservati i primi { $max }.
    }
ticket_is_closed = Il ticket { $number } è chiuso, quindi questo messaggio non è arrivato agli operatori. Riaprilo se il problema si ripresenta, oppure apri un nuovo ticket per altro.
unknown_command = L'help desk non conosce /{ $name }. Prova /ticket help.
unknown_subcommand = L'help desk non conosce "{ $name }". Prova /ticket help.
usage_assign = /ticket assign [#N] @persona: assegna il ticket a qualcuno
usage_claim = /ticket claim [#N]: prendi in carico il ticket
usage_close = /ticket close [#N]: chiudi definitivamente
usage_deescalate = /ticket deescalate [#N] motivo: torna al livello inferiore
usage_escalate = /ticket escalate [#N] [L2|L3] [specialità] motivo: al livello successivo
usage_help = /ticket help: questo elenco
usage_hold = /ticket hold [#N] motivo: in attesa di un fornitore
usage_list = /ticket list [mine|queue|level|all]: elenca i ticket
usage_new = /ticket new [titolo]: apri un ticket (senza titolo: un modulo)
usage_note = /ticket note [#N] testo: nota interna, mai mostrata al richiedente
usage_pending = /ticket pending [#N]: in attesa del richiedente
usage_priority = /ticket priority [#N] urgenza impatto: ciascuno low, medium o high
usage_reopen = /ticket reopen [#N]: riapri
usage_resolve = /ticket resolve [#N] soluzione: chiedi conferma al richiedente
usage_resume = /ticket resume [#N]: riprendi dopo un'attesa
usage_show = /ticket show [#N]: il ticket e il suo registro recente
usage_unclaim = /ticket unclaim [#N]: rimetti in coda
use_the_command = Serve un modulo che la tua app di chat non può aprire qui: usa il comando /ticket (/ticket help).
which_specialty = Quale specialità L3? Aggiungi una tra: { $specialties }
which_ticket = Quale ticket? Aggiungi il numero, ad es. #42, oppure usa il comando nel thread del ticket.

## Knowledge base
agents_deflected = { $name } ha risolto con l'articolo "{ $title }". Chiuso senza un tecnico.
button_article_not_solved = Ho ancora bisogno di aiuto
button_article_solved = Questo ha risolto
button_open = Apri
field_body = Testo (Markdown)
field_language = Lingua
field_tags = Etichette, separate da virgole
form_kb_edit_title = Modifica articolo
form_kb_new_title = Nuovo articolo
kb_help = Base di conoscenza: /kb search parole · /kb show id · /kb add · /kb edit id · /kb promote #N (scrivono i tecnici, leggono tutti)
kb_invalid = L'articolo non è stato salvato: { $reason }.
kb_no_such_article = Qui non esiste l'articolo { $slug }. Prova /kb search.
kb_not_resolved = Il ticket { $number } non ha ancora una soluzione: risolvilo prima di trasformarlo in articolo.
kb_nothing_found = Nessun risultato nella base di conoscenza. Prova altre parole, oppure apri un ticket con /ticket new.
kb_problem_heading = Problema
kb_resolution_heading = Soluzione
kb_results_title =
    { $count ->
        [one] { $count } articolo
       *[other] { $count } articoli
    }
kb_saved = Articolo { $slug } salvato (revisione { $revision }).
kb_shared_admins_only = L'articolo { $slug } è condiviso da tutta l'installazione: solo gli amministratori dell'installazione possono modificarlo. Scrivine uno tuo con /kb add.
kb_unavailable = La base di conoscenza non è disponibile in questo momento.
log_attachment = ha allegato { $name }
log_requester_direct = la conversazione è passata ai messaggi diretti del richiedente
log_requester_unreachable = il richiedente non è raggiungibile in chat
requester_moved_to_direct = Non riesco a scriverti dove hai chiesto aiuto, quindi il tuo ticket { $number } prosegue qui. Rispondi pure qui: gli operatori leggono.
agents_requester_moved_to_direct = Ticket { $number }: il bot non può più scrivere dove il richiedente ha chiesto aiuto, quindi la conversazione prosegue nei suoi messaggi diretti.
agents_requester_unreachable = Ticket { $number }: { $name } non è raggiungibile in chat (il bot non può scrivere né dove ha chiesto aiuto né nei suoi messaggi diretti). Contattatelo in un altro modo; segue ciò che non gli è arrivato.
agents_undelivered = Non consegnato al richiedente: { $text }
card_requester_direct = { $name } (nei messaggi diretti)
card_requester_unreachable = { $name } ⚠ non raggiungibile in chat
log_deflected = risolto con l'articolo { $article } (in autonomia)
requester_deflected = Bene! Il ticket { $number } è chiuso. Scrivi qui se il problema si ripresenta.
requester_still_needs_help = Grazie. Un tecnico risponderà al ticket { $number } in questo thread.
suggestions_intro = Nell'attesa, questi articoli potrebbero già avere la risposta:

## Livelli di servizio
field_sla = SLA
sla_first_response = prima risposta
sla_resolution = risoluzione
sla_warning = Ticket { $number }: quasi tutto il tempo per la { $what } ({ $target }) è trascorso.
sla_breach_reason = l'obiettivo di { $what } di { $target } non è stato rispettato
sla_breached = violato
sla_at_risk = a rischio
sla_on_track = nei tempi
sla_paused = in pausa in attesa del richiedente
sla_line = { $what } entro { $due } · { $state }

## Rapporti
stats_usage = Uso: /helpdesk stats [7d|30d|24h] (responsabili)
stats_title = Help desk, ultimi { $period }

## Soddisfazione
feedback_ask = Com'è andata con il ticket { $number }? Valuta l'assistenza da 1 a 5 stelle.
feedback_already = Grazie, il ticket { $number } ha già una valutazione.
feedback_low_reason = il richiedente ha valutato l'assistenza { $score }/5
feedback_form_title = Vuoi aggiungere qualcosa?
feedback_thanks = Grazie per il tuo riscontro!
field_comment = Commento (facoltativo)
log_rated = ha valutato l'assistenza { $score }/5
transcript_title = Trascrizione del ticket { $number }
transcript_hint = La trascrizione completa: helpdesk ticket export { $number } --format md|html|json
stats_volumes = { $opened ->
        [one] { $opened } ticket aperto
       *[other] { $opened } ticket aperti
    } · { $closed ->
        [one] { $closed } chiuso
       *[other] { $closed } chiusi
    }
stats_times = Prima risposta p50 { $fr50 } · p90 { $fr90 } · risoluzione p50 { $r50 } · p90 { $r90 }
stats_rates = Rispetto degli SLA { $sla } · scalati a L2 { $l2 } · a L3 { $l3 } · risolti con la base di conoscenza { $deflection }
stats_satisfaction = Soddisfazione { $score } / 5 ({ $count ->
        [one] { $count } valutazione
       *[other] { $count } valutazioni
    })

## App Home: la pagina personale del bot
home_title = Help desk
home_intro = Chiedi aiuto con il pulsante qui sotto, con /ticket new o scrivendomi qui.
home_asked = Le tue richieste ({ $count })
home_held = Assegnati a te ({ $count })
home_queue = In attesa nella tua coda ({ $count })
interaction_received = Ricevuto: l'help desk se ne occupa.
desk_unavailable = Spiacenti, l'help desk non può occuparsene in questo momento. Riprova tra un minuto.
desk_not_set_up = L'help desk non è configurato in questo workspace o server. Chiedi al tuo amministratore di configurarlo.
dm_not_member = Spiacenti, possono scrivere qui solo i membri del server servito da questo help desk. Rivolgiti all'help desk della tua organizzazione.
discord_commands_handled = Questo bot gestisce /ticket, /kb e /helpdesk.

## Command pickers: descriptions (up to 100 characters) and Discord's message command name.
command_ticket = Ticket dell'help desk
command_kb = La base di conoscenza
command_helpdesk = Report dell'help desk
discord_create_ticket = Apri ticket
command_ticket_new = Apri un ticket (senza titolo: un modulo)
command_ticket_claim = Prendi in carico il ticket
command_ticket_unclaim = Rimetti il ticket in coda
command_ticket_assign = Assegna il ticket a qualcuno
command_ticket_escalate = Passa al livello successivo
command_ticket_deescalate = Riporta al livello inferiore
command_ticket_priority = Imposta urgenza e impatto
command_ticket_pending = In attesa del richiedente
command_ticket_hold = In attesa di un fornitore
command_ticket_resume = Riprendi il lavoro
command_ticket_resolve = Chiedi al richiedente di confermare la soluzione
command_ticket_reopen = Riapri
command_ticket_close = Chiudi definitivamente
command_ticket_note = Nota interna, mai mostrata al richiedente
command_ticket_show = Il ticket e il suo registro più recente
command_ticket_list = Elenca i ticket
command_ticket_help = Cosa sa fare l'help desk
command_kb_search = Cerca nella base di conoscenza
command_kb_show = Mostra un articolo
command_kb_add = Scrivi un articolo (agenti)
command_kb_edit = Modifica un articolo (agenti)
command_kb_promote = Bozza di articolo da un ticket risolto (agenti)
command_helpdesk_stats = Numeri di un periodo (responsabili)
command_option_ticket = Numero del ticket (predefinito: quello di questo thread)
command_option_ticket_required = Numero del ticket
command_option_title = Qual è il problema
command_option_person = Chi lo prende
command_option_reason = Perché
command_option_level = Quale livello
command_option_specialty = Specialità L3
command_option_urgency = Quanto è urgente
command_option_impact = Quante persone coinvolge
command_option_resolution = La soluzione
command_option_note = La nota
command_option_scope = Quali ticket
command_option_query = Cosa cercare
command_option_article = Id dell'articolo
command_option_period = Periodo: 7d, 30d…

kb_invalid_slug = l'id { $slug } deve avere da 1 a { $max } tra lettere, cifre, '-', '_' o '.'
kb_invalid_title = il titolo deve avere da 1 a { $max } caratteri
kb_invalid_body = il testo deve avere al massimo { $max ->
        [one] { $max } carattere
       *[other] { $max } caratteri
    }
transcript_heading = Ticket { $number } — { $title }
transcript_priority = { $priority } (urgenza { $urgency }, impatto { $impact })
transcript_opened = Aperto
transcript_closed = Chiuso
transcript_conversation = Conversazione
transcript_attachments = Allegati
transcript_no_attachments = Nessuno registrato.
transcript_internal = interno
date_time_format = %d/%m/%Y %H:%M UTC
date_time_seconds_format = %d/%m/%Y %H:%M:%S UTC

## Command pickers: i nomi di comandi, sottocomandi e opzioni su Discord (minuscole, senza
## spazi, fino a 32 lettere).
command_ticket_name = ticket
command_kb_name = kb
command_helpdesk_name = helpdesk
command_ticket_new_name = nuovo
command_ticket_claim_name = prendi
command_ticket_unclaim_name = rilascia
command_ticket_assign_name = assegna
command_ticket_escalate_name = inoltra
command_ticket_deescalate_name = riporta
command_ticket_priority_name = priorità
command_ticket_pending_name = in-attesa
command_ticket_hold_name = sospendi
command_ticket_resume_name = riprendi
command_ticket_resolve_name = risolvi
command_ticket_reopen_name = riapri
command_ticket_close_name = chiudi
command_ticket_note_name = nota
command_ticket_show_name = mostra
command_ticket_list_name = elenco
command_ticket_help_name = aiuto
command_kb_search_name = cerca
command_kb_show_name = mostra
command_kb_add_name = aggiungi
command_kb_edit_name = modifica
command_kb_promote_name = da-ticket
command_helpdesk_stats_name = statistiche
command_helpdesk_audit_name = registro
command_option_ticket_name = ticket
command_option_ticket_required_name = ticket
command_option_title_name = titolo
command_option_person_name = persona
command_option_reason_name = motivo
command_option_level_name = livello
command_option_specialty_name = specialità
command_option_urgency_name = urgenza
command_option_impact_name = impatto
command_option_resolution_name = soluzione
command_option_note_name = testo
command_option_scope_name = ambito
command_option_query_name = ricerca
command_option_article_name = articolo
command_option_period_name = periodo
command_option_actor_name = persona

## Durate a parole: ogni unità ("3 giorni"), le stesse unità dopo "tra", due unità insieme, e un
## tempo da adesso ("tra 3 giorni").
duration_days =
    { $count ->
        [one] { $count } giorno
       *[other] { $count } giorni
    }
duration_hours =
    { $count ->
        [one] { $count } ora
       *[other] { $count } ore
    }
duration_minutes =
    { $count ->
        [one] { $count } minuto
       *[other] { $count } minuti
    }
duration_seconds =
    { $count ->
        [one] { $count } secondo
       *[other] { $count } secondi
    }
in_days =
    { $count ->
        [one] { $count } giorno
       *[other] { $count } giorni
    }
in_hours =
    { $count ->
        [one] { $count } ora
       *[other] { $count } ore
    }
in_minutes =
    { $count ->
        [one] { $count } minuto
       *[other] { $count } minuti
    }
in_seconds =
    { $count ->
        [one] { $count } secondo
       *[other] { $count } secondi
    }
duration_pair = { $first } e { $second }
duration_in = tra { $duration }
joined_open_ticket = Aggiunto al tuo ticket aperto { $number }. Se si tratta d'altro, apri un nuovo ticket.
courtesy_no_ticket = Se ti serve aiuto, descrivi il problema in un messaggio qui, oppure apri un nuovo ticket.
mention_help = Ciao! Raccolgo le richieste di aiuto in un messaggio diretto a me, oppure con /ticket new in qualsiasi canale. Premi il pulsante per aprire subito un ticket.
button_reopen = Riapri
agents_kb_not_solved = { $name } dice che gli articoli suggeriti non hanno risolto il ticket { $number }: tocca a voi.
agents_kb_grace_over = Ticket { $number }: finora gli articoli suggeriti non l'hanno risolto: tocca a voi.

## helpdesk demo: the narration, the people's lines and the articles
demo_intro = helpdesk demo: un ticket dalla domanda alla soluzione confermata, attraverso il vero motore (piattaforma di chat in memoria, database SQLite temporaneo, una base di conoscenza di 3 articoli).
demo_channels = Canali del tenant di esempio (le richieste arrivano in #help):
demo_employee = { $name } (dipendente)
demo_network = { $name } (L3 rete)
demo_acts = { $name } in { $place } { $what }
demo_writes = scrive: { $text }
demo_types = digita: { $text }
demo_clicks = fa clic su [{ $button }]
demo_in_thread = { $channel } › thread { $thread }
demo_at_message = { $channel } › messaggio { $message }
demo_only_sees = { $channel } (lo vede solo { $user })
demo_bot = bot ▸ { $place } { $verb }:
demo_posts = pubblica
demo_replies = risponde
demo_updates = aggiorna la scheda
demo_tells = dice
demo_reacts = bot ▸ { $channel }: reagisce con :{ $emoji }: a { $message } (resta interno)
demo_pings = avvisa
demo_step_asks = Mario scrive in #help: risponde prima la base di conoscenza, e la scheda arriva a L1 senza avvisare nessuno
demo_step_again = Un minuto dopo Mario scrive di nuovo in #help: il messaggio si aggiunge al suo ticket aperto invece di aprirne un altro
demo_step_unhelpful = Mario legge l'articolo suggerito: non aiuta, quindi ora viene avvisato L1
demo_step_claim = Ada (L1) fa clic su Prendi in carico nella scheda
demo_step_answer = Ada risponde nel thread della scheda
demo_step_reply = Mario risponde nel suo thread
demo_step_escalate = Ada passa il ticket a L2 con una motivazione
demo_step_l2 = Bruno (L2) lo prende in carico e lo passa agli specialisti di rete L3
demo_step_internal = Nina (L3) scrive nel thread della sua scheda: interno, L3 non parla con il richiedente
demo_step_resolve = Nina risolve
demo_step_confirm = Mario conferma la soluzione
demo_step_rate = Mario valuta l'assistenza: cinque stelle
demo_summary = Il ticket { $number } è { $status } (priorità { $priority }, livello { $level }). Il suo registro contiene { $entries ->
    [one] { $entries } voce
   *[other] { $entries } voci
}; `helpdesk ticket show` le stampa su un database vero.
demo_line_ask = La VPN non funziona da stamattina, errore 809
demo_line_again = Anche i colleghi della stanza 4 non riescono a connettersi
demo_line_answer = Puoi riavviare il client VPN e riprovare?
demo_line_reply = Riavviato, sempre errore 809.
demo_line_escalate = più utenti, il client funziona: sembra il gateway
demo_line_l3 = il gateway scarta i pacchetti IKE dall'aggiornamento delle 02:00
demo_line_internal = Bug noto del firmware, ripristino il gateway.
demo_line_resolve = Riportato il gateway VPN al firmware precedente.
demo_article_vpn_title = Errore VPN 809 durante la connessione
demo_article_vpn_body = L'errore 809 significa che il client VPN non raggiunge il gateway. Riavvia il client VPN; se persiste, verifica che la rete consenta le porte UDP 500 e 4500.
demo_article_outlook_title = Outlook si chiude all'avvio
demo_article_outlook_body = Avvia Outlook in modalità provvisoria (`outlook.exe /safe`) e disattiva i componenti aggiuntivi uno alla volta.
demo_article_password_title = Reimpostare una password dimenticata
demo_article_password_body = Usa il portale self-service e segui i passaggi; la nuova password funziona ovunque entro 5 minuti.
requester_desk_closed = L'help desk ora è chiuso e riapre il { $time } (ora di { $zone }): fino ad allora il ticket resta in coda.
requester_expected_response = Di solito un tecnico risponde entro { $duration }.
requester_expected_response_working = Di solito un tecnico risponde entro { $duration } di orario lavorativo.
date_time_local_format = %d/%m/%Y alle %H:%M

## File condivisi in una conversazione: la dimensione di un file (il numero già scritto con la
## virgola decimale), l'etichetta del suo link, e la riga per i file condivisi senza parole.
file_size_bytes = { $count } B
file_size_kb = { $size } KB
file_size_mb = { $size } MB
file_size_gb = { $size } GB
file_label = { $name } ({ $size })
shared_files =
    { $count ->
        [one] { $name } ha condiviso { $count } file
       *[other] { $name } ha condiviso { $count } file
    }

## The web desk: sign-in, the first-start setup page and the landing page. `name` is an
## account name, `role` one of the web_role_* texts, `level` a support level's number.
web_desk_name = Help desk
web_skip_to_content = Vai al contenuto
web_sign_in_title = Accedi
web_name_label = Nome account
web_password_label = Password
web_password_again_label = Ripeti la password
web_sign_in_button = Accedi
web_sign_in_failed = Nome account e password non corrispondono. Controllali e riprova.
web_sign_in_throttled = Troppi accessi non riusciti. Attendi qualche minuto, poi riprova.
web_signed_out = Sei uscito.
web_session_ended = La sessione è scaduta. Accedi di nuovo.
web_sign_out_button = Esci
web_home_title = Il tuo help desk
web_home_signed_in = Hai effettuato l'accesso come { $name }.
web_home_role = Il tuo ruolo: { $role }.
web_home_next = Apri un ticket, oppure segui i tuoi in I miei ticket. La console degli operatori arriverà presto.
web_role_requester = richiedente
web_role_agent = operatore di livello { $level }
web_role_manager = responsabile dell'help desk
web_role_admin = amministratore
web_setup_title = Configura l'help desk
web_setup_intro = Crea il primo account amministratore. Questo link funziona una sola volta.
web_setup_button = Crea l'amministratore
web_setup_gone = Questo link di configurazione non è valido: è già stato usato, oppure l'help desk è stato riavviato. Se esiste un amministratore, accedi.
web_bad_name = Un nome account ha da 2 a 64 caratteri: lettere a-z, cifre, '.', '-' e '_', e inizia con una lettera o una cifra.
web_bad_password = Una password ha almeno 10 caratteri (al massimo 1024).
web_passwords_differ = Le due password non coincidono.
web_name_taken = Questo nome account è già in uso: scegline un altro.
web_form_expired_title = Questo modulo è scaduto
web_form_expired = Il modulo è stato inviato senza il suo codice di sicurezza, oppure da un'altra pagina. Torna indietro, ricarica la pagina e riprova.
web_unavailable_title = L'help desk non è disponibile
web_unavailable = L'help desk non può rispondere in questo momento. Riprova tra poco.
web_go_to_sign_in = Vai alla pagina di accesso
web_nav_tickets = I miei ticket
web_nav_new_ticket = Apri un ticket
web_nav_label = Menu principale
web_tickets_title = I miei ticket
web_tickets_none = Non hai ancora nessun ticket.
web_column_number = Numero
web_column_title = Titolo
web_column_status = Stato
web_column_level = Livello
web_column_updated = Aggiornato
web_notices_title = Ultimi messaggi dell'help desk
web_new_ticket_title = Apri un ticket
web_new_ticket_intro = Spiegaci il problema. Puoi seguire le risposte in I miei ticket.
web_title_label = Titolo
web_description_label = Che cosa è successo?
web_new_ticket_button = Invia il ticket
web_title_missing = Dai un titolo al ticket.
web_description_missing = Descrivi il problema in poche parole.
web_ticket_sent = Il tuo ticket è stato inviato all'help desk.
web_ticket_title = Ticket n. { $number }
web_conversation_title = Conversazione
web_conversation_empty = Non è stato ancora scritto nulla.
web_reply_label = La tua risposta
web_reply_button = Invia la risposta
web_reply_missing = Scrivi prima la tua risposta.
web_reply_sent = La tua risposta è stata inviata.
web_not_found_title = Non trovato
web_not_found = Questa pagina non esiste, oppure non è tua.
web_go_to_tickets = Vai a I miei ticket
