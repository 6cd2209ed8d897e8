package dev.postillion.loadtest.smtp;

import dev.postillion.loadtest.wire.ReplyChecks;
import io.gatling.core.structure.ScenarioContext;
import io.gatling.javaapi.core.ActionBuilder;
import io.gatling.javaapi.core.CheckBuilder;
import java.util.List;

/** One step of the SMTP dialogue as a Gatling action, with its checks. Immutable. */
public final class SmtpActionBuilder implements ActionBuilder {

    private final String name;
    private final SmtpStep step;
    private final ReplyChecks<SmtpReply> checks;

    SmtpActionBuilder(String name, SmtpStep step, ReplyChecks<SmtpReply> checks) {
        this.name = name;
        this.step = step;
        this.checks = checks;
    }

    /** Checks on the step's reply (each reply, for RCPT to several recipients). */
    public SmtpActionBuilder check(CheckBuilder... more) {
        return new SmtpActionBuilder(name, step, checks.and(SmtpChecks.of(List.of(more))));
    }

    @Override
    public io.gatling.core.action.builder.ActionBuilder asScala() {
        return (context, next) -> {
            SmtpComponents components = components(context);
            if (step instanceof SmtpStep.Auth && components.protocol().credentials() == null) {
                throw new IllegalStateException("smtp(\"" + name + "\").auth() needs credentials: "
                        + "set authPlain(...) or authLogin(...) on the protocol");
            }
            return new SmtpStepAction(name, step, checks, components, next);
        };
    }

    /** The SMTP components of the scenario's protocol. */
    static SmtpComponents components(ScenarioContext context) {
        return context.protocolComponentsRegistry().components(SmtpProtocol.KEY);
    }
}
