package dev.postillion.mailbox;

import dev.postillion.core.Store;
import dev.postillion.mailbox.srs.Srs;
import dev.postillion.queue.Spool;
import java.time.Clock;

/**
 * What every {@link MailboxActor} of the node works with: the store it writes, the directory it
 * reads an address's settings from, SRS for its forwards, and the spool its forwards and replies
 * enter.
 */
public final class MailboxContext {

    private final Store store;
    private final Clock clock;
    private final Directory directory;
    private final Spool spool;
    private final Srs srs;
    private final Mailboxes.Settings settings;
    private final MailDisposition.Rules dispositionRules;
    private final Responders responders;
    private final ActiveScripts activeScripts = new ActiveScripts();

    /** @param hostname the node's name, in the envelopes and Message-IDs of what mailboxes send */
    public MailboxContext(Store store, Clock clock, Directory directory, Spool spool, Srs srs, String hostname,
            Mailboxes.Settings settings) {
        this.store = store;
        this.clock = clock;
        this.directory = directory;
        this.spool = spool;
        this.settings = settings;
        this.srs = srs;
        this.dispositionRules = new MailDisposition.Rules(settings.maxHops(), hostname, clock);
        this.responders = new Responders(store, hostname, clock, settings.responderInterval(), directory);
    }

    Store store() {
        return store;
    }

    Clock clock() {
        return clock;
    }

    Directory directory() {
        return directory;
    }

    Spool spool() {
        return spool;
    }

    Srs srs() {
        return srs;
    }

    Mailboxes.Settings settings() {
        return settings;
    }

    MailDisposition.Rules dispositionRules() {
        return dispositionRules;
    }

    Responders responders() {
        return responders;
    }

    ActiveScripts activeScripts() {
        return activeScripts;
    }
}
