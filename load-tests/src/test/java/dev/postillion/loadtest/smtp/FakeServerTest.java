package dev.postillion.loadtest.smtp;

import dev.postillion.loadtest.GatlingRuntime;
import dev.postillion.loadtest.wire.HeldConnection;
import io.gatling.core.session.Session;
import java.util.List;
import org.junit.jupiter.api.AfterEach;

/** A test of virtual users against a {@link FakeSmtpServer}: both are stopped after each test. */
abstract class FakeServerTest {

    FakeSmtpServer server;
    GatlingRuntime gatling;

    @AfterEach
    void stop() throws Exception {
        if (gatling != null) {
            gatling.close();
        }
        if (server != null) {
            server.close();
        }
    }

    /** Gatling with this protocol, pointed at the fake server. */
    GatlingRuntime gatling(SmtpProtocolBuilder protocol) {
        gatling = new GatlingRuntime(protocol.host("127.0.0.1").port(server.port()).ehloName("loadgen.test"));
        return gatling;
    }

    /** The SMTP client the user holds between actions, or null. */
    static SmtpClient clientOf(Session user) {
        return new HeldConnection<>("smtp", SmtpClient.class).of(user);
    }

    /** Each request as the report counts it: "name OK", or "name KO" and its message. */
    List<String> reported() {
        return gatling.reported();
    }
}
