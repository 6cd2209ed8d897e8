package dev.postillion.mta.policy.spam;

import dev.postillion.admin.SpamAdmin;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Users' reports teach Rspamd (SPEC section 4): the message goes to its controller's
 * {@code /learnspam} or {@code /learnham}. Rspamd declining (it learned the message already, or
 * the message has too little text for its statistics) is an answer; only an unreachable or slow
 * controller, or one refusing our password, fails.
 */
public final class RspamdLearning implements SpamAdmin {

    private static final Logger log = LoggerFactory.getLogger(RspamdLearning.class);

    private final SpamSettings settings;
    private final RspamdClient rspamd;

    public RspamdLearning(SpamSettings settings, RspamdClient rspamd) {
        this.settings = settings;
        this.rspamd = rspamd;
    }

    @Override
    public boolean configured() {
        return settings.controller().isPresent();
    }

    @Override
    public CompletionStage<Learned> learn(boolean spam, byte[] message) {
        CompletionStage<RspamdClient.Learned> answer;
        try {
            answer = rspamd.learn(spam, message);
        } catch (RuntimeException e) {
            answer = CompletableFuture.failedFuture(e);
        }
        return answer.handle((learned, failure) -> {
            if (failure != null) {
                log.warn("teaching Rspamd a {} report failed: {}", spam ? "spam" : "ham", failure.toString());
                throw new RspamdClient.RspamdException("Rspamd's controller could not be reached");
            }
            // 401 and 403: the password is wrong, which the operator must hear of; not the user's report.
            if (learned.status() == 401 || learned.status() == 403) {
                log.error("Rspamd's controller refused postillion.spam.rspamd.password: HTTP {} {}",
                        learned.status(), learned.error());
                throw new RspamdClient.RspamdException("Rspamd's controller refused our password");
            }
            if (!learned.success()) {
                log.info("Rspamd did not learn a {} report: HTTP {} {}", spam ? "spam" : "ham", learned.status(),
                        learned.error());
            }
            return new Learned(learned.success(), learned.error());
        });
    }
}
