package dev.postillion.loadtest.smtp;

import dev.postillion.loadtest.wire.RequestReports;
import io.gatling.core.session.Session;

/** The SMTP requests of one user during one action, with the protocol's components at hand. */
final class SmtpReports extends RequestReports<SmtpReply> {

    private final SmtpComponents components;

    SmtpReports(SmtpComponents components, Session user) {
        super(components.statsEngine(), components.clock(), user);
        this.components = components;
    }

    SmtpComponents components() {
        return components;
    }

    /** Keeps the client in the session while its connection is open. */
    void holds(SmtpClient client) {
        update(user -> components.holding(user, client));
    }
}
