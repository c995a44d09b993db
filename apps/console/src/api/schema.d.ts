/**
 * Generated from core's OpenAPI document by scripts/generate-console-api.ts (npm run console:api-schema).
 * Do not edit by hand: test/console/api-schema.e2e-spec.ts fails when this file is stale.
 */

export interface paths {
    "/api/v1/agents": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * List agents (admin)
         * @description Filters: `role`, `active` (true|false), `groupId`, `q` (substring of name or e-mail). Ordered by name.
         */
        get: operations["AgentsController_list"];
        put?: never;
        /**
         * Create an agent (admin)
         * @description E-mail is stored lower-case; password at least 10 characters. 409 `agent_email_taken` if the e-mail is in use.
         */
        post: operations["AgentsController_create"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/agents/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** One agent with their groups (admin) */
        get: operations["AgentsController_get"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        /**
         * Change an agent (admin)
         * @description `groupIds` replaces the set of groups. Refused with 409: demoting or deactivating yourself (`cannot_demote_self`, `cannot_deactivate_self`) and demoting or deactivating the last active admin (`last_active_admin`).
         */
        patch: operations["AgentsController_update"];
        trace?: never;
    };
    "/api/v1/attachments": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Upload a file for a reply: the raw bytes as the body, ?filename=, the Content-Type header
         * @description Returns the attachment id to pass in attachmentIds when posting a message. 413 over ATTACHMENT_MAX_BYTES.
         */
        post: operations["AttachmentsController_upload"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/attachments/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Download an attachment (with its content type and file name) */
        get: operations["AttachmentsController_download"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/auth/login": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Exchange an agent e-mail and password for an access token (JWT) */
        post: operations["AuthController_login"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/canned-responses": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Canned responses, grouped (the console picker)
         * @description `{ groups: [{ id, name, position, responses: [...] }] }`, groups and responses ordered by position then name/title. `q` keeps the responses whose title or body contains it (and only groups with one).
         */
        get: operations["CannedResponsesController_grouped"];
        put?: never;
        /**
         * Add a canned response (admin)
         * @description `body` is Handlebars text; placeholders: {{contact.name}}, {{contact.email}}, {{company.name}}, {{ticket.number}}, {{ticket.subject}}, {{agent.name}}, {{agent.email}} (helpers if, unless, eq). An unknown placeholder is a 400 naming it. `position` defaults to after the group's last response.
         */
        post: operations["CannedResponsesController_create"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/canned-responses/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** One canned response */
        get: operations["CannedResponsesController_get"];
        put?: never;
        post?: never;
        /** Delete a canned response (admin) */
        delete: operations["CannedResponsesController_remove"];
        options?: never;
        head?: never;
        /**
         * Change a canned response (admin)
         * @description Only the properties sent change; `groupId` moves it to another group.
         */
        patch: operations["CannedResponsesController_update"];
        trace?: never;
    };
    "/api/v1/canned-responses/{id}/render": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * The response with its placeholders filled for a ticket
         * @description `{ ticketId }` → `{ body }`: contact and company from the ticket, `{{agent.name}}` is the caller. 422 when the ticket does not exist.
         */
        post: operations["CannedResponsesController_render"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/canned-responses/groups": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Canned response groups, by position then name */
        get: operations["CannedResponsesController_groups"];
        put?: never;
        /**
         * Add a group (admin)
         * @description Names are unique (409 `canned_group_name_taken`); `position` defaults to after the last group.
         */
        post: operations["CannedResponsesController_createGroup"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/canned-responses/groups/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post?: never;
        /** Delete a group and its responses (admin) */
        delete: operations["CannedResponsesController_removeGroup"];
        options?: never;
        head?: never;
        /** Rename or move a group (admin) */
        patch: operations["CannedResponsesController_updateGroup"];
        trace?: never;
    };
    "/api/v1/channels/email": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * List the e-mail channel's mailboxes
         * @description Filters: `enabled` (true|false), `state` (active|error|disabled), `q` (substring of the name or address). Ordered by address. Secrets are never returned: `hasImapSecret`, `hasSmtpSecret`.
         */
        get: operations["MailboxesController_list"];
        put?: never;
        /**
         * Add a mailbox (admin)
         * @description `address` is stored lower-case and is unique: 409 `mailbox_address_taken`. `imapSecret` and `smtpSecret` (a password, or an OAuth 2 access token with `imapAuth: xoauth2`) are stored encrypted and never returned. Ports default to 993/143 (IMAP with/without TLS) and 465/587/25 (SMTP tls/starttls/none). `markerFormat` contains `{number}` once.
         */
        post: operations["MailboxesController_create"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/channels/email/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** One mailbox, with its state (`active`, `error` with `stateReason`, `disabled`) */
        get: operations["MailboxesController_get"];
        put?: never;
        post?: never;
        /**
         * Delete a mailbox (admin)
         * @description Tickets and messages that came through it stay.
         */
        delete: operations["MailboxesController_remove"];
        options?: never;
        head?: never;
        /**
         * Change a mailbox (admin)
         * @description Only the properties sent change. `enabled: false` sets the state `disabled`; enabling a mailbox or changing how it connects (hosts, ports, users, secrets, folders) sets a mailbox in `error` back to `active`, so the e-mail service tries again. A new `imapHost`, `imapUser` or `folder` restarts the reading position. `smtpUser: null` also removes the SMTP secret.
         */
        patch: operations["MailboxesController_update"];
        trace?: never;
    };
    "/api/v1/channels/email/{id}/test": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Try the mailbox's IMAP and SMTP logins (admin)
         * @description IMAP: connect, log in, open the folder read-only, log out. SMTP: connect, EHLO, TLS as configured, log in (when `smtpUser` is set). Each has about 10 s. Answers `{ imap: { ok, error? }, smtp: { ok, error? } }`, `error` in the server's or the network's words (e.g. `AUTHENTICATIONFAILED Authentication failed.`, `connect ECONNREFUSED 127.0.0.1:1`). Changes nothing.
         */
        post: operations["MailboxesController_test"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/channels/sms": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * List the SMS channel's numbers
         * @description Filters: `provider` (smpp|twilio|smsru), `enabled` (true|false), `state` (active|error|disabled), `q` (substring of the name or sender). Ordered by name. Credentials and the SMS.ru callback secret are never returned: `credentialsHint` shows enough to recognise them.
         */
        get: operations["SmsChannelsController_list"];
        put?: never;
        /**
         * Add an SMS channel (admin)
         * @description `provider`: `twilio` (credentials `{ accountSid, authToken }`), `smsru` (`{ apiId }`) or `smpp` (`{ systemId, password, systemType? }` and `smppHost`, `smppPort` default 2775). `sender`: a phone number in international format (stored in E.164; one channel per number, else 409 `sms_sender_taken`) or an alphanumeric sender id (1–11 letters, digits, spaces). Credentials are stored encrypted and never returned. The answer's `webhookUrls` include the SMS.ru callback (with its secret) this once.
         */
        post: operations["SmsChannelsController_create"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/channels/sms/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** One SMS channel, with its state and the webhook URLs to set at the provider (the SMS.ru callback shown as null: see webhook-urls) */
        get: operations["SmsChannelsController_get"];
        put?: never;
        post?: never;
        /**
         * Delete an SMS channel (admin)
         * @description Tickets and messages that came through it stay.
         */
        delete: operations["SmsChannelsController_remove"];
        options?: never;
        head?: never;
        /**
         * Change an SMS channel (admin)
         * @description Only the properties sent change; `credentials` replaces the stored ones whole, and is required with a new `provider`. `enabled: false` sets the state `disabled`; enabling a channel or changing `provider`, `sender`, `credentials`, `smppHost`, `smppPort` or `baseUrl` sets a channel in `error` back to `active`.
         */
        patch: operations["SmsChannelsController_update"];
        trace?: never;
    };
    "/api/v1/channels/sms/{id}/webhook-urls": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * The URLs to configure at the provider (admin)
         * @description Twilio: `inbound` (the number's "A message comes in" webhook) and `status` (status callback), under SMS_PUBLIC_URL. SMS.ru: `callback`, which carries the channel's secret (SMS.ru does not sign its callbacks), hence admins only. SMPP: null (no webhooks).
         */
        get: operations["SmsChannelsController_webhookUrls"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/channels/telegram": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * List the Telegram channel's bots
         * @description Filters: `enabled` (true|false), `state` (active|error|disabled), `q` (substring of the name or @username). Ordered by name. The token and the webhook secret are never returned: `tokenHint` shows the bot id and the token's last four characters.
         */
        get: operations["TelegramBotsController_list"];
        put?: never;
        /**
         * Add a bot (admin)
         * @description `token` is the one BotFather gives (`123456789:AAH…`); it is stored encrypted and never returned. A bot can be added once: another token of the same bot is 409 `telegram_bot_taken`. `mode`: `polling` (default; the Telegram service asks Telegram for updates) or `webhook` (Telegram calls `webhookUrl`, which needs `publicBaseUrl`: https, or http on a loopback host; ports 443, 80, 88 or 8443). A random webhook secret is made and kept encrypted; Telegram sends it with every webhook call. `greeting` (at most 4096 characters) answers /start.
         */
        post: operations["TelegramBotsController_create"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/channels/telegram/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** One bot, with its state (`active`, `error` with `stateReason`, `disabled`) and its webhook URL */
        get: operations["TelegramBotsController_get"];
        put?: never;
        post?: never;
        /**
         * Delete a bot (admin)
         * @description Its chats go with it; tickets and messages that came through it stay.
         */
        delete: operations["TelegramBotsController_remove"];
        options?: never;
        head?: never;
        /**
         * Change a bot (admin)
         * @description Only the properties sent change. `enabled: false` sets the state `disabled`; enabling a bot or changing its `token`, `mode` or `publicBaseUrl` sets a bot in `error` back to `active`, so the Telegram service tries again. A token of another bot clears `botUserId` and `botUsername` until the service has asked getMe again.
         */
        patch: operations["TelegramBotsController_update"];
        trace?: never;
    };
    "/api/v1/companies": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * List companies with their domains
         * @description `q` matches a substring of the name or of any domain. Ordered by name.
         */
        get: operations["CompaniesController_list"];
        put?: never;
        /**
         * Create a company
         * @description `domains` are e-mail domains (stored lower-case, punycode for internationalised names). New contacts with an address in one of them are bound to the company. 409 `domain_taken` names the company that owns a domain; 409 `company_name_taken`.
         */
        post: operations["CompaniesController_create"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/companies/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** One company with its domains */
        get: operations["CompaniesController_get"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        /**
         * Rename a company or replace its domains
         * @description `domains`, when sent, replaces the whole set (send [] to remove all).
         */
        patch: operations["CompaniesController_update"];
        trace?: never;
    };
    "/api/v1/contacts": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * List contacts with identities and company
         * @description Filters: `companyId`, `managerId`, `q` (substring of the name or of any identity value; a phone number may be typed with spaces or dashes). Newest first.
         */
        get: operations["ContactsController_list"];
        put?: never;
        /**
         * Create a contact
         * @description Identities are `{ kind, value }`: `email` (stored lower-case), `phone` (international format with + or 00, stored in E.164: "+44 20 7183 8750" → "+442071838750"; numbers that do not exist are refused), `telegram` (the numeric user id). An identity that belongs to another contact is a 409 `identity_taken` naming that contact. A contact needs a name or at least one identity. When `companyId` is omitted, the contact is bound to the company owning the domain of its first e-mail identity that has one; `companyId: null` creates it without a company.
         */
        post: operations["ContactsController_create"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/contacts/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** One contact with identities, company and manager */
        get: operations["ContactsController_get"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        /**
         * Change a contact
         * @description Identities are `{ kind, value }`: `email` (stored lower-case), `phone` (international format with + or 00, stored in E.164: "+44 20 7183 8750" → "+442071838750"; numbers that do not exist are refused), `telegram` (the numeric user id). An identity that belongs to another contact is a 409 `identity_taken` naming that contact. `identities`, when sent, REPLACES the contact's whole set: identities not listed are removed, listed ones that already exist keep their id, new ones are added (to add one, send the current list plus the new one). When `identities` is sent without `companyId` and the contact has no company, it is bound by e-mail domain as on creation. `companyId`/`managerId`: null clears them. 422 `contact_empty` if neither a name nor an identity would remain.
         */
        patch: operations["ContactsController_update"];
        trace?: never;
    };
    "/api/v1/groups": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * List agent groups with their member counts
         * @description Filters: `line` (1|2), `q` (substring of the name). Ordered by name.
         */
        get: operations["GroupsController_list"];
        put?: never;
        /**
         * Create a group (admin)
         * @description `line`: 1, 2 or null. Names are unique ignoring case: 409 `group_name_taken`.
         */
        post: operations["GroupsController_create"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/groups/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** One group with its members */
        get: operations["GroupsController_get"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        /**
         * Rename a group or change its line (admin)
         * @description Membership is changed on the agent (`PATCH /agents/{id}` with `groupIds`).
         */
        patch: operations["GroupsController_update"];
        trace?: never;
    };
    "/api/v1/me": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The agent behind the access token */
        get: operations["AuthController_me"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/me/notifications": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * My notifications (e.g. @mentions in internal notes), unread first
         * @description Paged (`page`, `pageSize`); `unread=true` leaves out read ones. The answer carries `unread`, the count of unread notifications.
         */
        get: operations["AgentNotificationsController_list"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/me/notifications/{id}/read": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Mark one of my notifications read
         * @description Another agent's notification is 404.
         */
        post: operations["AgentNotificationsController_read"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/me/notifications/read-all": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Mark all my notifications read
         * @description `{ marked }`: how many were unread.
         */
        post: operations["AgentNotificationsController_readAll"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/me/password": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        /** Change your own password (needs the current one) */
        patch: operations["AuthController_changePassword"];
        trace?: never;
    };
    "/api/v1/notification-templates": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * List the notification templates
         * @description One per notification and channel: `ticket_created` and `status_changed` for `email`, `status_changed` for `sms`, `resolution_survey` for `telegram`.
         */
        get: operations["NotificationTemplatesController_list"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/notification-templates/{key}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * One notification template
         * @description `channel` query parameter (`email`, `telegram`, `sms`), default `email`.
         */
        get: operations["NotificationTemplatesController_get"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        /**
         * Change a notification template (admin)
         * @description Handlebars; placeholders: `{{ticket.number}}`, `{{ticket.subject}}`, `{{ticket.status}}`, `{{ticket.statusKey}}`, `{{ticket.statusKind}}`, `{{contact.name}}`, `{{contact.email}}`, `{{company.name}}`, `{{status.open}}`, `{{status.pending}}`, `{{status.onHold}}`, `{{status.resolved}}`, `{{status.closed}}`; helpers: if, unless, each, with, lookup, eq. A template that does not parse, names an unknown placeholder or helper, or fails to render is a 400 with the reason. `statusKinds` (status_changed only): the status kinds that send it (the SMS one sends nothing until some are listed). Telegram and SMS templates are plain text: no `bodyHtml`.
         */
        patch: operations["NotificationTemplatesController_update"];
        trace?: never;
    };
    "/api/v1/notification-templates/{key}/preview": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Render a notification template with sample data
         * @description The stored template, or the unsaved `subject` / `bodyText` / `bodyHtml` given, for a sample ticket in `statusKind` → `{ subject, text, html? }`.
         */
        post: operations["NotificationTemplatesController_preview"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/statuses": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * List ticket statuses
         * @description Filter: `kind`. Ordered by position, then key. The five system statuses have key = kind.
         */
        get: operations["StatusesController_list"];
        put?: never;
        /**
         * Add a custom status (admin)
         * @description `key` matches ^[a-z][a-z0-9_]{0,62}$ and cannot change later; `kind` (open, pending, on_hold, resolved, closed) decides how tickets in the status behave. Without `position` it goes last. 409 `status_key_taken`.
         */
        post: operations["StatusesController_create"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/statuses/{key}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** One status */
        get: operations["StatusesController_get"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        /**
         * Rename, reorder or re-kind a status (admin)
         * @description System statuses cannot change kind (409 `system_status_kind_fixed`); a custom status can change kind only while no ticket has it (409 `status_in_use`).
         */
        patch: operations["StatusesController_update"];
        trace?: never;
    };
    "/api/v1/tickets": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * List tickets
         * @description view: my_open | unassigned | first_line | second_line | pending | on_hold | all (a preset of the filters below; filters given besides it narrow it or replace its value). unseen=true|false. Each row carries unseen: true when the caller never opened the ticket (POST /tickets/{id}/seen) or the customer wrote since. Filters: status, statusKind, channel, priority, type (comma lists), responsible (agent id | me | none), group, line, contact, company, q (subject, #number, contact name/e-mail/phone). sort: createdAt | updatedAt | number | priority, "-" for descending (default -updatedAt). Page with page/pageSize, or follow nextCursor with cursor.
         */
        get: operations["TicketsController_list"];
        put?: never;
        /**
         * Create a ticket (console or integration)
         * @description contactId or contact {email|phone|telegramId, name}; description becomes an internal note; outbound {body, channel?} sends a first public message to the contact.
         */
        post: operations["TicketsController_create"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/tickets/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** A ticket with its message feed and attachments */
        get: operations["TicketsController_get"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        /**
         * Change status, priority, type, subject, responsible, observers or custom attributes
         * @description Status changes follow the lifecycle (an illegal one is 409 illegal_status_transition); on_hold needs onHoldUntil. customAttributes are merged, null removes a key.
         */
        patch: operations["TicketsController_update"];
        trace?: never;
    };
    "/api/v1/tickets/{id}/escalate": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Escalate to the 2nd line, with a note for the 2nd-line agents */
        post: operations["TicketsController_escalate"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/tickets/{id}/history": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The ticket's audit trail: who changed what, when */
        get: operations["TicketsController_history"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/tickets/{id}/messages": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Reply to the customer or add an internal note
         * @description visibility public: goes out on `channel`, else the channel of the customer's last message, else e-mail, phone, Telegram; 422 no_reachable_channel when none. visibility internal: never leaves the desk.
         */
        post: operations["TicketsController_addMessage"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/tickets/{id}/messages/{messageId}/retry": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Send a failed outbound message again */
        post: operations["TicketsController_retry"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/tickets/{id}/participants": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Addresses allowed to write on the ticket besides its contact
         * @description `{ items: [{ kind, value, addedBy, createdAt }], total }`, oldest first.
         */
        get: operations["ParticipantsController_list"];
        put?: never;
        /**
         * Let an address write on the ticket
         * @description `{ email?, phone? }` (at least one), normalised like contact identities. Their next message that threads by ticket number or id is public instead of an internal note. Adding an address already there changes nothing. Answers 201 with the whole list.
         */
        post: operations["ParticipantsController_add"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/tickets/{id}/participants/{kind}/{value}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post?: never;
        /**
         * Remove a participant
         * @description `kind` is email or phone; `value` is normalised first. 404 when the address is not a participant.
         */
        delete: operations["ParticipantsController_remove"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/tickets/{id}/related": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Other tickets of contacts sharing an e-mail address or phone number with this ticket's contact */
        get: operations["TicketsController_related"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/tickets/{id}/seen": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * I have opened the ticket
         * @description The console calls it when it shows a ticket: the ticket list's `unseen` turns false for the caller until the customer writes again. `{ ticketId, lastSeenAt }`.
         */
        post: operations["TicketsController_seen"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/webforms": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * List web forms
         * @description Filters: `enabled` (true|false), `q` (substring of the key or title). Ordered by key.
         */
        get: operations["WebformsController_list"];
        put?: never;
        /**
         * Create a web form (admin)
         * @description `key` (^[a-z0-9][a-z0-9-]{2,63}$, stored lower-case) names the form in the embed snippet; 409 `webform_key_taken`. `fields`: 1 to 30, unique names, each role (message, email, phone, name) on one field at most and on a field of a matching type; a field with role email or phone is required. `allowedOrigins`: `*` or origins such as https://shop.example.com.
         */
        post: operations["WebformsController_create"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/webforms/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** One web form with its fields in display order */
        get: operations["WebformsController_get"];
        put?: never;
        post?: never;
        /**
         * Delete a web form (admin)
         * @description Tickets created from it stay. Sites still embedding it get 404 from the widget.
         */
        delete: operations["WebformsController_remove"];
        options?: never;
        head?: never;
        /**
         * Change a web form (admin)
         * @description Only the properties sent change. `fields` and `allowedOrigins` replace the whole list; `colors` changes the colours sent. 409 `webform_key_taken`.
         */
        patch: operations["WebformsController_update"];
        trace?: never;
    };
    "/api/v1/webforms/{id}/embed": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * The snippet that embeds a web form in a site
         * @description `{ formKey, widgetUrl, snippet, warnings }`; `warnings` says why the snippet would not work yet (form disabled, no allowed origin).
         */
        get: operations["WebformsController_embed"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/health": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get: operations["HealthController_health"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
}
export type webhooks = Record<string, never>;
export interface components {
    schemas: never;
    responses: never;
    parameters: never;
    requestBodies: never;
    headers: never;
    pathItems: never;
}
export type $defs = Record<string, never>;
export interface operations {
    AgentsController_list: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    AgentsController_create: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    email: string;
                    groupIds?: string[];
                    name: string;
                    password: string;
                    /**
                     * @default specialist
                     * @enum {string}
                     */
                    role?: "admin" | "senior" | "specialist";
                };
            };
        };
        responses: {
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    AgentsController_get: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    AgentsController_update: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    active?: boolean;
                    groupIds?: string[];
                    name?: string;
                    password?: string;
                    /** @enum {string} */
                    role?: "admin" | "senior" | "specialist";
                };
            };
        };
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    AttachmentsController_upload: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    AttachmentsController_download: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    AuthController_login: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    /** Format: email */
                    email: string;
                    password: string;
                };
            };
        };
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    CannedResponsesController_grouped: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    CannedResponsesController_create: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    body: string;
                    /** Format: uuid */
                    groupId: string;
                    position?: number;
                    title: string;
                };
            };
        };
        responses: {
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    CannedResponsesController_get: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    CannedResponsesController_remove: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    CannedResponsesController_update: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    body?: string;
                    /** Format: uuid */
                    groupId?: string;
                    position?: number;
                    title?: string;
                };
            };
        };
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    CannedResponsesController_render: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    /** Format: uuid */
                    ticketId: string;
                };
            };
        };
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    CannedResponsesController_groups: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    CannedResponsesController_createGroup: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    name: string;
                    position?: number;
                };
            };
        };
        responses: {
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    CannedResponsesController_removeGroup: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    CannedResponsesController_updateGroup: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    name?: string;
                    position?: number;
                };
            };
        };
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    MailboxesController_list: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    MailboxesController_create: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    address: string;
                    /** @default true */
                    createContacts?: boolean;
                    displayName?: string | null;
                    /** @default true */
                    enabled?: boolean;
                    /** @default INBOX */
                    folder?: string;
                    /**
                     * @default password
                     * @enum {string}
                     */
                    imapAuth?: "password" | "xoauth2";
                    imapHost: string;
                    imapPort?: number;
                    imapSecret: string;
                    /** @default true */
                    imapTls?: boolean;
                    imapUser: string;
                    /** @default [#{number}] */
                    markerFormat?: string;
                    /** @default 10485760 */
                    maxAttachmentBytes?: number;
                    name: string;
                    /**
                     * @default flag
                     * @enum {string}
                     */
                    processedAction?: "flag" | "move";
                    processedFolder?: string | null;
                    smtpHost: string;
                    smtpPort?: number;
                    smtpSecret?: string | null;
                    /**
                     * @default starttls
                     * @enum {string}
                     */
                    smtpSecurity?: "tls" | "starttls" | "none";
                    smtpUser?: string | null;
                };
            };
        };
        responses: {
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    MailboxesController_get: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    MailboxesController_remove: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    MailboxesController_update: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    address?: string;
                    createContacts?: boolean;
                    displayName?: string | null;
                    enabled?: boolean;
                    folder?: string;
                    /** @enum {string} */
                    imapAuth?: "password" | "xoauth2";
                    imapHost?: string;
                    imapPort?: number;
                    imapSecret?: string;
                    imapTls?: boolean;
                    imapUser?: string;
                    markerFormat?: string;
                    maxAttachmentBytes?: number;
                    name?: string;
                    /** @enum {string} */
                    processedAction?: "flag" | "move";
                    processedFolder?: string | null;
                    smtpHost?: string;
                    smtpPort?: number;
                    smtpSecret?: string | null;
                    /** @enum {string} */
                    smtpSecurity?: "tls" | "starttls" | "none";
                    smtpUser?: string | null;
                };
            };
        };
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    MailboxesController_test: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    SmsChannelsController_list: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    SmsChannelsController_create: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    baseUrl?: string | null;
                    /** @description twilio: { accountSid, authToken }; smsru: { apiId }; smpp: { systemId, password, systemType? }. Stored encrypted, never returned. */
                    credentials?: {
                        [key: string]: unknown;
                    };
                    defaultRegion?: string | null;
                    /** @default true */
                    enabled?: boolean;
                    /** @default 6 */
                    maxSegments?: number;
                    name: string;
                    /** @enum {string} */
                    provider: "smpp" | "twilio" | "smsru";
                    sender: string;
                    smppHost?: string | null;
                    smppPort?: number | null;
                    /** @default 10 */
                    throughputPerSecond?: number;
                };
            };
        };
        responses: {
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    SmsChannelsController_get: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    SmsChannelsController_remove: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    SmsChannelsController_update: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    baseUrl?: string | null;
                    /** @description twilio: { accountSid, authToken }; smsru: { apiId }; smpp: { systemId, password, systemType? }. Stored encrypted, never returned. */
                    credentials?: {
                        [key: string]: unknown;
                    };
                    defaultRegion?: string | null;
                    enabled?: boolean;
                    maxSegments?: number;
                    name?: string;
                    /** @enum {string} */
                    provider?: "smpp" | "twilio" | "smsru";
                    sender?: string;
                    smppHost?: string | null;
                    smppPort?: number | null;
                    throughputPerSecond?: number;
                };
            };
        };
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    SmsChannelsController_webhookUrls: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    TelegramBotsController_list: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    TelegramBotsController_create: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    /** @default true */
                    enabled?: boolean;
                    /** @default Hello! You are writing to our support team. Send your question here and we will answer in this chat. To start a new request later, send /new. */
                    greeting?: string;
                    /**
                     * @default polling
                     * @enum {string}
                     */
                    mode?: "webhook" | "polling";
                    name: string;
                    publicBaseUrl?: string | null;
                    token: string;
                };
            };
        };
        responses: {
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    TelegramBotsController_get: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    TelegramBotsController_remove: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    TelegramBotsController_update: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    enabled?: boolean;
                    greeting?: string;
                    /** @enum {string} */
                    mode?: "webhook" | "polling";
                    name?: string;
                    publicBaseUrl?: string | null;
                    token?: string;
                };
            };
        };
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    CompaniesController_list: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    CompaniesController_create: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    domains?: string[];
                    name: string;
                };
            };
        };
        responses: {
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    CompaniesController_get: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    CompaniesController_update: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    domains?: string[];
                    name?: string;
                };
            };
        };
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    ContactsController_list: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    ContactsController_create: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    /** Format: uuid */
                    companyId?: string | null;
                    identities?: {
                        /** @enum {string} */
                        kind: "email" | "phone" | "telegram";
                        value: string;
                    }[];
                    /** Format: uuid */
                    managerId?: string | null;
                    name?: string | null;
                };
            };
        };
        responses: {
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    ContactsController_get: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    ContactsController_update: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    /** Format: uuid */
                    companyId?: string | null;
                    identities?: {
                        /** @enum {string} */
                        kind: "email" | "phone" | "telegram";
                        value: string;
                    }[];
                    /** Format: uuid */
                    managerId?: string | null;
                    name?: string | null;
                };
            };
        };
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    GroupsController_list: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    GroupsController_create: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    /** @default null */
                    line?: 1 | 2 | (null);
                    name: string;
                };
            };
        };
        responses: {
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    GroupsController_get: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    GroupsController_update: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    line?: 1 | 2 | (null);
                    name?: string;
                };
            };
        };
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    AuthController_me: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    AgentNotificationsController_list: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    AgentNotificationsController_read: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    AgentNotificationsController_readAll: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    AuthController_changePassword: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    currentPassword: string;
                    newPassword: string;
                };
            };
        };
        responses: {
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    NotificationTemplatesController_list: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    NotificationTemplatesController_get: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    NotificationTemplatesController_update: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    bodyHtml?: string | null;
                    bodyText?: string;
                    enabled?: boolean;
                    statusKinds?: ("open" | "pending" | "on_hold" | "resolved" | "closed")[];
                    subject?: string;
                };
            };
        };
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    NotificationTemplatesController_preview: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    bodyHtml?: string | null;
                    bodyText?: string;
                    /** @enum {string} */
                    statusKind?: "open" | "pending" | "on_hold" | "resolved" | "closed";
                    subject?: string;
                };
            };
        };
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    StatusesController_list: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    StatusesController_create: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    key: string;
                    /** @enum {string} */
                    kind: "open" | "pending" | "on_hold" | "resolved" | "closed";
                    name: string;
                    position?: number;
                };
            };
        };
        responses: {
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    StatusesController_get: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                key: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    StatusesController_update: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                key: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    /** @enum {string} */
                    kind?: "open" | "pending" | "on_hold" | "resolved" | "closed";
                    name?: string;
                    position?: number;
                };
            };
        };
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    TicketsController_list: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    TicketsController_create: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    contact?: {
                        email?: string;
                        name?: string;
                        phone?: string;
                        telegramId?: string;
                    };
                    /** Format: uuid */
                    contactId?: string;
                    customAttributes?: {
                        [key: string]: string | number | boolean | (null) | string[];
                    };
                    description?: string;
                    outbound?: {
                        body: string;
                        /** @enum {string} */
                        channel?: "email" | "sms" | "telegram";
                        html?: string;
                    };
                    /**
                     * @default normal
                     * @enum {string}
                     */
                    priority?: "low" | "normal" | "high" | "urgent";
                    /** @enum {string} */
                    registrationChannel?: "console" | "api" | "phone";
                    /** Format: uuid */
                    responsibleAgentId?: string;
                    /** Format: uuid */
                    responsibleGroupId?: string;
                    subject: string;
                    /**
                     * @default question
                     * @enum {string}
                     */
                    type?: "question" | "incident" | "problem" | "task" | "internal";
                };
            };
        };
        responses: {
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    TicketsController_get: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    TicketsController_update: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    customAttributes?: {
                        [key: string]: string | number | boolean | (null) | string[];
                    };
                    observerIds?: string[];
                    /** Format: date-time */
                    onHoldUntil?: string;
                    /** @enum {string} */
                    priority?: "low" | "normal" | "high" | "urgent";
                    /** Format: uuid */
                    responsibleAgentId?: string | null;
                    /** Format: uuid */
                    responsibleGroupId?: string | null;
                    status?: string;
                    subject?: string;
                    /** @enum {string} */
                    type?: "question" | "incident" | "problem" | "task" | "internal";
                };
            };
        };
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    TicketsController_escalate: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    note: string;
                };
            };
        };
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    TicketsController_history: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    TicketsController_addMessage: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    /** @default [] */
                    attachmentIds?: string[];
                    body: string;
                    /** @enum {string} */
                    channel?: "email" | "sms" | "telegram";
                    html?: string;
                    /** @enum {string} */
                    visibility: "public" | "internal";
                };
            };
        };
        responses: {
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    TicketsController_retry: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
                messageId: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            202: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    ParticipantsController_list: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    ParticipantsController_add: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    email?: string;
                    phone?: string;
                };
            };
        };
        responses: {
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    ParticipantsController_remove: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
                value: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    TicketsController_related: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    TicketsController_seen: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    WebformsController_list: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    WebformsController_create: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    allowedOrigins?: string[];
                    /** @default Send */
                    buttonLabel?: string;
                    colors?: {
                        background?: string;
                        primary?: string;
                        text?: string;
                    };
                    /** @default true */
                    enabled?: boolean;
                    fields: {
                        label: string;
                        maxLength?: number;
                        name: string;
                        options?: string[];
                        order?: number;
                        placeholder?: string;
                        /** @default false */
                        required?: boolean;
                        /** @enum {string} */
                        role?: "message" | "email" | "phone" | "name";
                        /** @enum {string} */
                        type: "text" | "email" | "phone" | "textarea" | "select" | "checkbox";
                    }[];
                    /** @default false */
                    filesAllowed?: boolean;
                    /** @default  */
                    introText?: string;
                    key: string;
                    /** @default Contact us */
                    launcherLabel?: string;
                    /**
                     * @default bottom-right
                     * @enum {string}
                     */
                    position?: "bottom-right" | "bottom-left";
                    /** @default Thank you! Your request number is {{ticket.number}}. */
                    successMessage?: string;
                    title: string;
                };
            };
        };
        responses: {
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    WebformsController_get: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    WebformsController_remove: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    WebformsController_update: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    allowedOrigins?: string[];
                    buttonLabel?: string;
                    colors?: {
                        background?: string;
                        primary?: string;
                        text?: string;
                    };
                    enabled?: boolean;
                    fields?: {
                        label: string;
                        maxLength?: number;
                        name: string;
                        options?: string[];
                        order?: number;
                        placeholder?: string;
                        /** @default false */
                        required?: boolean;
                        /** @enum {string} */
                        role?: "message" | "email" | "phone" | "name";
                        /** @enum {string} */
                        type: "text" | "email" | "phone" | "textarea" | "select" | "checkbox";
                    }[];
                    filesAllowed?: boolean;
                    introText?: string;
                    key?: string;
                    launcherLabel?: string;
                    /** @enum {string} */
                    position?: "bottom-right" | "bottom-left";
                    successMessage?: string;
                    title?: string;
                };
            };
        };
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    WebformsController_embed: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    HealthController_health: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
}
