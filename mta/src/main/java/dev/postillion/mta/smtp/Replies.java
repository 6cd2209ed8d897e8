package dev.postillion.mta.smtp;

import dev.postillion.mta.policy.content.ContentViolation;
import dev.postillion.mta.policy.content.ContentViolation.HeaderTooLarge;
import dev.postillion.mta.policy.content.ContentViolation.NonAsciiHeader;
import java.util.ArrayList;
import java.util.List;

/** The replies of an SMTP session, in one place so the wording stays consistent. */
final class Replies {

    private Replies() {}

    static final Reply OK = Reply.of(250, "2.0.0", "Ok");
    static final Reply SENDER_OK = Reply.of(250, "2.1.0", "Ok");
    static final Reply RECIPIENT_OK = Reply.of(250, "2.1.5", "Ok");
    static final Reply START_DATA = Reply.plain(354, "End data with <CR><LF>.<CR><LF>");
    static final Reply BYE = Reply.of(221, "2.0.0", "Bye");
    static final Reply CANNOT_VRFY = Reply.of(252, "2.0.0",
            "Cannot VRFY user, but will accept message and attempt delivery");
    static final Reply HELP = Reply.of(214, "2.0.0",
            "Commands: HELO EHLO STARTTLS MAIL RCPT DATA RSET NOOP QUIT VRFY HELP; see RFC 5321");
    /** RFC 3207 section 4: the client starts its TLS handshake after this. */
    static final Reply READY_FOR_TLS = Reply.of(220, "2.0.0", "Ready to start TLS");
    static final Reply TLS_ALREADY_ACTIVE = Reply.of(503, "5.5.1", "Error: TLS already active");
    static final Reply TLS_IN_TRANSACTION = Reply.of(503, "5.5.1", "Error: MAIL transaction in progress");

    // SMTP AUTH (RFC 4954 sections 4 and 6; RFC 3463 codes as RFC 5248 registers them)
    static final Reply AUTH_SUCCEEDED = Reply.of(235, "2.7.0", "Authentication successful");
    static final Reply AUTH_FAILED = Reply.of(535, "5.7.8", "Error: authentication failed").because(Rejection.AUTH_FAILED);
    static final Reply AUTH_DISABLED = Reply.of(535, "5.7.8", "Error: authentication failed: the address is disabled").because(Rejection.AUTH_FAILED);
    static final Reply AUTH_REQUIRED = Reply.of(530, "5.7.0", "Authentication required").because(Rejection.AUTH_REQUIRED);
    static final Reply AUTH_NEEDS_TLS = Reply.of(538, "5.7.11",
            "Encryption required for requested authentication mechanism").because(Rejection.AUTH_REQUIRED);
    static final Reply AUTH_UNKNOWN_MECHANISM = Reply.of(504, "5.5.4", "Unrecognized authentication type");
    static final Reply AUTH_ALREADY = Reply.of(503, "5.5.1", "Error: already authenticated");
    static final Reply AUTH_IN_TRANSACTION = Reply.of(503, "5.5.1", "Error: MAIL transaction in progress");
    static final Reply AUTH_CANCELLED = Reply.of(501, "5.7.0", "Authentication aborted");
    static final Reply AUTH_UNDECODABLE = Reply.of(501, "5.5.2", "Cannot decode response");
    static final Reply AUTH_UNAVAILABLE = Reply.of(454, "4.7.0", "Temporary authentication failure").because(Rejection.LOCAL_ERROR);
    static final Reply SENDER_DENIED = Reply.of(553, "5.7.1", "Sender denied: auth guards failed").because(Rejection.SENDER_GUARD);

    static final Reply LINE_TOO_LONG = Reply.of(500, "5.5.2", "Error: line too long");
    /** A command line ending in LF without CR (RFC 5321 section 2.3.8), as Postfix words it. */
    static final Reply BARE_LINE_FEED = Reply.of(500, "5.5.2", "Error: bare <LF> received");
    static final Reply UNKNOWN_COMMAND = Reply.of(500, "5.5.2", "Error: command not recognized");
    static final Reply NOT_IMPLEMENTED = Reply.of(502, "5.5.1", "Error: command not implemented");
    static final Reply NEED_HELO = Reply.of(503, "5.5.1", "Error: send HELO/EHLO first");
    static final Reply NESTED_MAIL = Reply.of(503, "5.5.1", "Error: nested MAIL command");
    static final Reply NEED_MAIL = Reply.of(503, "5.5.1", "Error: need MAIL command");
    static final Reply NEED_RCPT = Reply.of(503, "5.5.1", "Error: need RCPT command");
    static final Reply NO_VALID_RECIPIENTS = Reply.of(554, "5.5.1", "Error: no valid recipients");
    static final Reply BAD_SENDER_SYNTAX = Reply.of(501, "5.1.7", "Bad sender address syntax");
    static final Reply BAD_RECIPIENT_SYNTAX = Reply.of(501, "5.1.3", "Bad recipient address syntax");
    static final Reply NEED_SMTPUTF8 = Reply.of(553, "5.6.7", "Non-ASCII address requires the SMTPUTF8 parameter");
    static final Reply TOO_MANY_RECIPIENTS = Reply.of(452, "4.5.3", "Error: too many recipients");
    static final Reply MESSAGE_TOO_BIG = Reply.of(552, "5.3.4",
            "Error: message size exceeds fixed maximum message size").because(Rejection.SIZE);
    static final Reply UNSAFE_LINE_ENDINGS = Reply.of(554, "5.6.0",
            "Error: message contains a bare CR, a bare LF or a NUL; lines must end with CRLF (RFC 5321 section 2.3.8)");
    static final Reply HEADER_TOO_BIG = Reply.of(552, "5.3.4",
            "Error: message header size exceeds fixed maximum header size").because(Rejection.SIZE);
    /** SPEC section 4's wording, also for an attachment that cannot be looked into. */
    static final Reply FORBIDDEN_ATTACHMENT = Reply.of(554, "5.7.0", "Message is rejected by headers rule filter").because(Rejection.CONTENT);
    static final Reply TOO_MANY_HOPS = Reply.of(554, "5.4.6", "Error: too many hops (mail loop?)").because(Rejection.CONTENT);
    static final Reply RELAY_DENIED = Reply.of(554, "5.7.1", "Relay access denied").because(Rejection.RELAY_DENIED);
    static final Reply UNKNOWN_USER = Reply.of(550, "5.1.1",
            "Recipient address rejected: User unknown in virtual mailbox table").because(Rejection.UNKNOWN_RECIPIENT);
    static final Reply ACCOUNT_DISABLED = Reply.of(550, "5.1.1", "Recipient address rejected: account disabled").because(Rejection.UNKNOWN_RECIPIENT);
    static final Reply GREYLISTED = Reply.of(451, "4.7.1", "Greylisted, please try again later").because(Rejection.GREYLISTED);
    static final Reply GREYLIST_UNAVAILABLE = Reply.of(451, "4.3.0",
            "Error: temporary greylisting failure, try again later");
    static final Reply CONTENT_CHECK_ERROR = Reply.of(451, "4.3.0",
            "Error: temporary content check failure, try again later");
    /** The SPF, DKIM and DMARC checks failed to run: 4.7.1, as Postfix's tempfail for a failed milter. */
    static final Reply AUTH_CHECK_ERROR = Reply.of(451, "4.7.1",
            "Error: temporary sender authentication failure, try again later").because(Rejection.LOCAL_ERROR);
    /** The spam filter could not judge the message and on-failure is tempfail: as AUTH_CHECK_ERROR. */
    static final Reply SPAM_CHECK_ERROR = Reply.of(451, "4.7.1",
            "Error: temporary spam filter failure, try again later").because(Rejection.LOCAL_ERROR);
    /** Over the spam filter's reject score (RFC 3463 5.7.1: delivery not authorized, message refused). */
    static final Reply SPAM_REJECTED = Reply.of(554, "5.7.1",
            "Message rejected as spam by the recipient's spam filter").because(Rejection.SPAM);
    /** RFC 5321 section 4.2.3's "local error in processing": a fault of ours no other reply names. */
    static final Reply LOCAL_ERROR = Reply.of(451, "4.3.0", "Error: local error in processing, try again later");
    static final Reply QUEUE_WRITE_ERROR = Reply.of(451, "4.3.0", "Error: queue file write error, try again later");
    /** Mail to the postmaster (RFC 5321 section 4.5.1) with no postillion.postmaster mailbox: our fault. */
    static final Reply NO_POSTMASTER = Reply.of(451, "4.3.5",
            "Recipient address rejected: no postmaster mailbox is configured, try again later");
    static final Reply DIRECTORY_ERROR = Reply.of(451, "4.3.0",
            "Error: temporary recipient lookup failure, try again later");

    /** A message whose From domain publishes p=reject and that fails DMARC (RFC 7489 section 6.6.4). */
    static Reply dmarcRejected(String domain) {
        return Reply.of(550, "5.7.1", "Message from " + domain + " rejected by DMARC policy").because(Rejection.DMARC);
    }

    /**
     * A message whose From domain publishes p=reject and that would fail DMARC but for a check that
     * could not finish for now (a DKIM key or SPF record that DNS did not answer): a temporary
     * failure never becomes a permanent refusal, the sender tries again (ARCHITECTURE rule 7).
     */
    static Reply dmarcUnavailable(String domain) {
        return Reply.of(451, "4.7.5", "Message from " + domain + " cannot be checked against its DMARC policy"
                + " now, try again later").because(Rejection.DMARC);
    }

    /** RCPT to a sending-only address (SPEC section 1, no-reply). */
    static Reply doesNotReceive(String address) {
        return Reply.of(550, "5.1.1", "Recipient address rejected: " + address + " does not receive mail").because(Rejection.UNKNOWN_RECIPIENT);
    }

    /** RCPT to an SRS address that is forged, expired or malformed (SPEC section 2). */
    static Reply invalidSrs(String reason) {
        return Reply.of(550, "5.1.1", "Recipient address rejected: invalid SRS address: " + reason).because(Rejection.UNKNOWN_RECIPIENT);
    }

    /** RCPT to an address whose block list holds the sender, set to refuse (SPEC section 4). */
    static Reply senderBlocked(String sender) {
        return Reply.of(550, "5.7.1", "Recipient address rejected: the recipient does not accept mail from <"
                + sender + ">").because(Rejection.BLOCKED_SENDER);
    }

    /** A message breaking a content rule of SPEC section 4. */
    static Reply contentRefused(ContentViolation violation) {
        if (violation instanceof HeaderTooLarge) {
            return HEADER_TOO_BIG;
        }
        if (violation instanceof NonAsciiHeader nonAscii) {
            return Reply.of(554, "5.6.7", "Error: non-ASCII character in header "
                    + (nonAscii.field() == null ? "section" : nonAscii.field())
                    + "; send with SMTPUTF8 or encode it (RFC 2047)").because(Rejection.CONTENT);
        }
        return FORBIDDEN_ATTACHMENT;
    }

    static Reply unsupportedParameter(String keyword) {
        return Reply.of(555, "5.5.4", "Unsupported option: " + keyword);
    }

    static Reply badParameterValue(String keyword) {
        return Reply.of(501, "5.5.4", "Bad parameter value: " + keyword);
    }

    /** A parameter whose value breaks its extension's rules, e.g. {@code Bad RET parameter: must be FULL or HDRS}. */
    static Reply badParameter(String keyword, String problem) {
        return Reply.of(501, "5.5.4", "Bad " + keyword + " parameter: " + problem);
    }

    static Reply duplicateParameter(String keyword) {
        return Reply.of(501, "5.5.4", "Duplicate parameter: " + keyword);
    }

    /**
     * The EHLO reply: the extensions offered (RFC 5321 section 4.1.1.1). STARTTLS only until TLS is
     * up, implicit TLS included (RFC 3207 section 4.2); AUTH only once it is, so that passwords
     * travel inside TLS (SPEC section 5).
     */
    static Reply ehlo(String hostname, long maxMessageSize, boolean tls) {
        List<String> extensions = new ArrayList<>(List.of(hostname, "PIPELINING", "SIZE " + maxMessageSize));
        extensions.add(tls ? "AUTH " + AuthExchange.MECHANISMS : "STARTTLS");
        extensions.addAll(List.of("ENHANCEDSTATUSCODES", "8BITMIME", "DSN", "SMTPUTF8"));
        return new Reply(250, null, extensions, null);
    }

    static Reply greeting(String hostname) {
        return Reply.plain(220, hostname + " ESMTP Postillion");
    }

    /** A SASL challenge (RFC 4954 section 4): base64 text, or nothing, after 334. */
    static Reply challenge(String base64) {
        return Reply.plain(334, base64);
    }

    static Reply tooManyAuthFailures(String hostname) {
        return Reply.of(421, "4.7.0", hostname + " Error: too many failed authentication attempts, try again later").because(Rejection.AUTH_FAILED);
    }

    static Reply tooManyErrors(String hostname) {
        return Reply.of(421, "4.7.0", hostname + " Error: too many errors");
    }

    static Reply timeout(String hostname) {
        return Reply.of(421, "4.4.2", hostname + " Error: timeout exceeded");
    }

    /** Over {@code postillion.smtp.session-time-limit}. */
    static Reply sessionTimeLimit(String hostname) {
        return Reply.of(421, "4.4.2", hostname + " Error: session time limit exceeded");
    }

    /**
     * The password the session logged in with was changed, or its app password revoked ({@code
     * why}): the session ends, as every session that used it does (RFC 5321 section 3.8 lets a
     * server close with 421 at any time).
     */
    static Reply loginRevoked(String hostname, String why) {
        return Reply.of(421, "4.7.0", hostname + " Error: " + why + ", log in again").because(Rejection.AUTH_FAILED);
    }

    static Reply shuttingDown(String hostname) {
        return Reply.of(421, "4.3.2", hostname + " Service shutting down, closing transmission channel");
    }

    /** Over {@code postillion.limits.max-connections}; sent in place of the greeting. */
    static Reply tooManyConnections(String hostname) {
        return Reply.of(421, "4.7.0", hostname + " Error: too many connections").because(Rejection.RATE_LIMIT);
    }

    /** Over {@code postillion.limits.max-connections-per-client}. */
    static Reply tooManyConnectionsFromClient(String hostname) {
        return Reply.of(421, "4.7.0", hostname + " Error: too many connections from your address").because(Rejection.RATE_LIMIT);
    }

    /** Over {@code postillion.limits.connection-rate-per-client}. */
    static Reply connectionRateExceeded(String hostname) {
        return Reply.of(421, "4.7.0", hostname + " Error: too many connections from your address, try again later").because(Rejection.RATE_LIMIT);
    }

    /** Over {@code postillion.limits.message-rate-per-client}, at MAIL (the wording). */
    static final Reply RATE_LIMITED = Reply.of(451, "4.7.1", "Rate limit exceeded").because(Rejection.RATE_LIMIT);

    /**
     * An authenticated user over one of its sending limits: the same 451 4.7.1 as the client's
     * rate, its text saying which limit and when it resets (SenderStanding.refusal).
     */
    static Reply sendingLimited(String text) {
        return Reply.of(451, "4.7.1", text).because(Rejection.RATE_LIMIT);
    }

    /** Input before the greeting when {@code postillion.limits.greeting-delay} is set (RFC 5321 section 3.1). */
    static final Reply EARLY_TALKER = Reply.of(554, "5.5.1",
            "Error: SMTP protocol violation (sent before the greeting)");

    static Reply queued(String queueId) {
        return Reply.of(250, "2.0.0", "Ok: queued as " + queueId);
    }
}
