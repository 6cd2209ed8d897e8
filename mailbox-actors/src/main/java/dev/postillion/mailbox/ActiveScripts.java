package dev.postillion.mailbox;

import dev.postillion.core.EmailAddress;
import dev.postillion.sieve.SieveAction;
import dev.postillion.sieve.SieveRuntimeError;
import dev.postillion.sieve.SieveScript;
import dev.postillion.sieve.SieveSyntaxError;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node's mailboxes' active Sieve scripts, compiled once per script id and kept (least
 * recently used leaving first), and the threads they run on: a script is run against a batch's
 * deliveries before the batch is built, off the mailbox actor's thread (ARCHITECTURE rule 2), as
 * a body test reads the whole message.
 */
final class ActiveScripts {

    /** What a script made of one delivery: its actions, or why it failed (then the mail goes to INBOX). */
    record Verdict(List<SieveAction> actions, String failure) {}

    /** A stored script as the engine took it, or why it refuses it now (a stricter engine). */
    private record Compiled(SieveScript script, String refusal) {}

    private static final int CACHED = 10_000;
    private static final Logger log = LoggerFactory.getLogger(ActiveScripts.class);

    private final Map<String, Compiled> compiled = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Compiled> eldest) {
            return size() > CACHED;
        }
    };
    /** Half the cores; idle threads end, so a node without scripts keeps none. */
    private final ThreadPoolExecutor runners;

    ActiveScripts() {
        int threads = Math.max(1, Runtime.getRuntime().availableProcessors() / 2);
        runners = new ThreadPoolExecutor(threads, threads, 30, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), r -> {
            Thread thread = new Thread(r, "sieve-runner");
            thread.setDaemon(true);
            return thread;
        });
        runners.allowCoreThreadTimeOut(true);
    }

    /**
     * Runs the mailbox's active script, if it has one, against each delivery.
     *
     * @return each delivery's verdict; empty when the address has no active script
     */
    CompletableFuture<Map<MailboxActor.DeliveryKey, Verdict>> run(AddressSieve sieve, EmailAddress mailbox,
            List<MailboxActor.Deliver> deliveries) {
        return sieve.activeId(mailbox).toCompletableFuture().thenCompose(id -> {
            if (id.isEmpty()) {
                return CompletableFuture.completedFuture(Optional.<Compiled>empty());
            }
            String key = key(mailbox, id.get());
            Compiled known = cached(key);
            return known != null ? CompletableFuture.completedFuture(Optional.of(known))
                    : sieve.text(mailbox, id.get()).toCompletableFuture()
                            .thenApplyAsync(text -> text.map(found -> compile(key, found)), runners);
        }).thenApplyAsync(script -> {
            Map<MailboxActor.DeliveryKey, Verdict> verdicts = new HashMap<>();
            script.ifPresent(compiled -> deliveries.forEach(deliver -> verdicts.put(
                    MailboxActor.DeliveryKey.of(deliver), verdict(compiled, deliver, sieve.subaddressSeparator()))));
            return verdicts;
        }, runners);
    }

    private static Verdict verdict(Compiled script, MailboxActor.Deliver deliver, String separator) {
        if (script.script() == null) {
            return new Verdict(List.of(), script.refusal());
        }
        try {
            return new Verdict(script.script().evaluate(new SieveDelivery(deliver), separator), null);
        } catch (SieveRuntimeError e) {
            return new Verdict(List.of(), "the Sieve script failed: " + e.getMessage());
        } catch (RuntimeException e) {
            log.error("{}: the Sieve engine failed on {}", deliver.queueId(), deliver.envelope().recipients()
                    .get(deliver.recipient()).address(), e);
            return new Verdict(List.of(), "the Sieve engine failed; the log has the cause");
        }
    }

    private synchronized Compiled cached(String key) {
        return compiled.get(key);
    }

    /** Compiles a stored script and keeps it under {@code key}. */
    private Compiled compile(String key, String text) {
        Compiled made;
        try {
            made = new Compiled(SieveScript.compile(text), null);
        } catch (SieveSyntaxError e) {
            made = new Compiled(null, "the engine refuses the stored Sieve script: " + e.getMessage());
        }
        synchronized (this) {
            compiled.put(key, made);
        }
        return made;
    }

    private static String key(EmailAddress mailbox, long id) {
        return mailbox.key() + "\0" + id;
    }
}
