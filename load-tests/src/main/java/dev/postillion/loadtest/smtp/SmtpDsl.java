package dev.postillion.loadtest.smtp;

import io.gatling.javaapi.core.CheckBuilder;

/**
 * The SMTP protocol for Gatling's Java DSL:
 *
 * <pre>{@code
 * import static dev.postillion.loadtest.smtp.SmtpDsl.*;
 *
 * SmtpProtocolBuilder mx = smtp.host("127.0.0.1").port(25).ehloName("loadgen.test");
 * ScenarioBuilder inbound = scenario("inbound").feed(messages)
 *     .exec(smtp("inbound").sendMessage().from("#{sender}").to("#{recipient}")
 *         .subject("#{subject}").attachmentSize("#{size}")
 *         .check(replyCode().is(250), queuedAs().saveAs("queueId")));
 * }</pre>
 */
public final class SmtpDsl {

    private SmtpDsl() {}

    /** The protocol, to configure: {@code smtp.host(...).port(...)}. */
    public static final SmtpProtocolBuilder smtp = new SmtpProtocolBuilder(SmtpProtocol.DEFAULTS);

    /** A request reported under {@code name}: one SMTP step, or a whole message. */
    public static SmtpRequestBuilder smtp(String name) {
        return new SmtpRequestBuilder(name);
    }

    /** Checks the reply code, e.g. {@code replyCode().is(250)}; without one, a 2xx reply passes. */
    public static CheckBuilder.Find<Integer> replyCode() {
        return SmtpChecks.replyCode();
    }

    /** Checks the enhanced status code (RFC 3463), e.g. {@code enhancedStatus().is("5.1.1")}. */
    public static CheckBuilder.Find<String> enhancedStatus() {
        return SmtpChecks.enhancedStatus();
    }

    /** Checks the reply's text, without the codes; the lines of a multiline reply joined by newlines. */
    public static CheckBuilder.Find<String> replyText() {
        return SmtpChecks.replyText();
    }

    /** The queue id in "250 2.0.0 Ok: queued as ID", e.g. {@code queuedAs().saveAs("queueId")}. */
    public static CheckBuilder.Find<String> queuedAs() {
        return SmtpChecks.queuedAs();
    }
}
