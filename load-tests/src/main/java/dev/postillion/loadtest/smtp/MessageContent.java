package dev.postillion.loadtest.smtp;

import dev.postillion.loadtest.wire.SessionValue;
import io.gatling.core.session.Session;
import java.util.List;
import java.util.function.BiFunction;

/**
 * The content a DATA sends, as the scenario describes it: a subject, a body and an attachment
 * size for a generated message, or a whole RFC 5322 message of the scenario's own. Each is a
 * Gatling EL string, so a feeder can vary them.
 */
record MessageContent(SessionValue<String> subject, SessionValue<String> body, SessionValue<Integer> attachmentSize,
        SessionValue<String> raw) {

    static final MessageContent DEFAULT = new MessageContent(SessionValue.constant("Load test"),
            SessionValue.constant("A message from Gatling."), SessionValue.constant(0), null);

    MessageContent withSubject(SessionValue<String> value) {
        return new MessageContent(value, body, attachmentSize, raw);
    }

    MessageContent withBody(SessionValue<String> value) {
        return new MessageContent(subject, value, attachmentSize, raw);
    }

    MessageContent withAttachmentSize(SessionValue<Integer> value) {
        return new MessageContent(subject, body, value, raw);
    }

    MessageContent withRaw(SessionValue<String> value) {
        return new MessageContent(subject, body, attachmentSize, value);
    }

    /**
     * Resolves the values for this user, before anything is sent: a value that cannot be
     * resolved fails the request without a word to the server.
     *
     * @return the message to send, given the transaction's sender and accepted recipients
     */
    BiFunction<String, List<String>, String> resolve(Session user) {
        if (raw != null) {
            String message = raw.resolve(user);
            return (sender, recipients) -> message;
        }
        String resolvedSubject = subject.resolve(user);
        String resolvedBody = body.resolve(user);
        int attachmentBytes = attachmentSize.resolve(user);
        return (sender, recipients) -> GeneratedMessage.of(sender, recipients, resolvedSubject, resolvedBody, attachmentBytes);
    }
}
