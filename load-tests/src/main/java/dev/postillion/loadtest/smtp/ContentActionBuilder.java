package dev.postillion.loadtest.smtp;

import dev.postillion.loadtest.wire.SessionValue;
import dev.postillion.loadtest.wire.ReplyChecks;
import io.gatling.javaapi.core.ActionBuilder;
import io.gatling.javaapi.core.CheckBuilder;
import java.util.List;

/**
 * The message content and checks of a request that sends one: {@link DataActionBuilder} and
 * {@link SendMessageActionBuilder}. Values are Gatling EL strings, so feeders can vary them.
 * Immutable: every method returns a new builder.
 *
 * @param <B> the concrete builder
 */
public abstract sealed class ContentActionBuilder<B extends ContentActionBuilder<B>> implements ActionBuilder
        permits DataActionBuilder, SendMessageActionBuilder {

    final String name;
    final MessageContent content;
    final ReplyChecks<SmtpReply> checks;

    ContentActionBuilder(String name, MessageContent content, ReplyChecks<SmtpReply> checks) {
        this.name = name;
        this.content = content;
        this.checks = checks;
    }

    abstract B with(MessageContent content, ReplyChecks<SmtpReply> checks);

    /** The Subject ("Load test" unless set); not ASCII, it travels as an RFC 2047 encoded-word. */
    public B subject(String subject) {
        return with(content.withSubject(SessionValue.el(subject)), checks);
    }

    /** The text of the message's text/plain part. */
    public B body(String body) {
        return with(content.withBody(SessionValue.el(body)), checks);
    }

    /** Adds a base64 attachment of this many bytes (decoded); 0, the default, for none. */
    public B attachmentSize(int bytes) {
        return with(content.withAttachmentSize(SessionValue.constant(bytes)), checks);
    }

    /** The attachment's size in Gatling EL, e.g. {@code "#{size}"} from a feeder. */
    public B attachmentSize(String bytes) {
        return with(content.withAttachmentSize(SessionValue.elInt(bytes)), checks);
    }

    /**
     * A whole RFC 5322 message of the scenario's own (headers, blank line, body), sent instead of
     * the generated one; line ends and leading dots are made right for DATA.
     */
    public B content(String message) {
        return with(content.withRaw(SessionValue.el(message)), checks);
    }

    /** Checks on the reply to the end of DATA. */
    public B check(CheckBuilder... more) {
        return with(content, checks.and(SmtpChecks.of(List.of(more))));
    }
}
