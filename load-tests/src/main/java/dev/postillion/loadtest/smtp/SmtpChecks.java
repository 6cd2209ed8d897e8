package dev.postillion.loadtest.smtp;

import dev.postillion.loadtest.wire.ReplyChecks;
import io.gatling.javaapi.core.CheckBuilder;
import java.util.List;
import java.util.Optional;

/** The checks on an {@link SmtpReply} that the DSL offers. */
final class SmtpChecks {

    private SmtpChecks() {}

    static final ReplyChecks<SmtpReply> NONE = ReplyChecks.none();

    /** A check of the reply code: {@code replyCode().is(250)}. */
    static CheckBuilder.Find<Integer> replyCode() {
        return ReplyChecks.<SmtpReply, Integer>find("replyCode", SmtpCheckType.REPLY_CODE, Integer.class,
                reply -> Optional.of(reply.code()));
    }

    /** A check of the enhanced status code (RFC 3463), absent if the server gave none. */
    static CheckBuilder.Find<String> enhancedStatus() {
        return ReplyChecks.<SmtpReply, String>find("enhancedStatus", SmtpCheckType.REPLY, String.class,
                reply -> Optional.of(reply.enhancedStatus()).filter(status -> !status.isEmpty()));
    }

    /** A check of the reply's text, its lines joined by newlines, without codes. */
    static CheckBuilder.Find<String> replyText() {
        return ReplyChecks.<SmtpReply, String>find("replyText", SmtpCheckType.REPLY, String.class,
                reply -> Optional.of(reply.text()));
    }

    /** The queue id of "queued as ID", absent if the reply has none. */
    static CheckBuilder.Find<String> queuedAs() {
        return ReplyChecks.<SmtpReply, String>find("queuedAs", SmtpCheckType.REPLY, String.class, SmtpReply::queuedAs);
    }

    /** The checks of a request's DSL; only SMTP checks apply to an SMTP reply. */
    static ReplyChecks<SmtpReply> of(List<CheckBuilder> builders) {
        return ReplyChecks.of(builders, SmtpCheckType.class, SmtpCheckType.REPLY_CODE);
    }
}
