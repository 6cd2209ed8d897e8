package dev.postillion.mta.mailimport;

import dev.postillion.mailbox.MessageFlags;
import jakarta.mail.AuthenticationFailedException;
import jakarta.mail.FetchProfile;
import jakarta.mail.Flags;
import jakarta.mail.Folder;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.UIDFolder;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.security.cert.CertificateException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Properties;
import javax.net.ssl.SSLException;
import org.eclipse.angus.mail.imap.IMAPFolder;
import org.eclipse.angus.mail.imap.protocol.BODY;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The mailbox on the other server, read over IMAP with Angus Mail's client. Every method blocks on
 * the network: call them on the import dispatcher only, one at a time (the connection has one
 * folder selected).
 */
final class SourceMailbox implements AutoCloseable {

    /** A folder that holds messages, and its RFC 6154 special use ("Sent", "Junk"...) if it has one. */
    record SourceFolder(String name, char separator, Optional<String> specialUse) {}

    /** What a message's listing gives, before its content is read. */
    record Summary(long uid, MessageFlags flags, Instant internalDate, long size) {}

    private static final Logger log = LoggerFactory.getLogger(SourceMailbox.class);
    private static final List<String> SPECIAL_USES = List.of("Sent", "Junk", "Trash", "Drafts", "Archive");

    private final ImportSource source;
    private final jakarta.mail.Store store;
    private IMAPFolder selected;

    private SourceMailbox(ImportSource source, jakarta.mail.Store store) {
        this.source = source;
        this.store = store;
    }

    /**
     * Connects and logs in.
     *
     * @throws ImportFailure saying in plain words why that failed
     */
    static SourceMailbox connect(ImportSource source, ImportSettings settings) throws ImportFailure {
        InetAddress[] addresses;
        try {
            addresses = InetAddress.getAllByName(source.host());
        } catch (UnknownHostException e) {
            throw new ImportFailure("the host name " + source.host() + " was not found");
        }
        Optional<String> refusal = source.clearTextRefusal(addresses);
        if (refusal.isPresent()) {
            throw new ImportFailure(refusal.get());
        }
        String protocol = source.tls() == ImportSource.Tls.IMPLICIT ? "imaps" : "imap";
        jakarta.mail.Store store;
        try {
            store = Session.getInstance(properties(protocol, source, settings)).getStore(protocol);
            store.connect(source.host(), source.port(), source.username(), source.password());
        } catch (MessagingException e) {
            throw failure("connecting to " + source.server(), source, e);
        }
        return new SourceMailbox(source, store);
    }

    private static Properties properties(String protocol, ImportSource source, ImportSettings settings) {
        String prefix = "mail." + protocol + ".";
        Properties properties = new Properties();
        properties.setProperty(prefix + "connectiontimeout", Long.toString(settings.connectTimeout().toMillis()));
        properties.setProperty(prefix + "timeout", Long.toString(settings.readTimeout().toMillis()));
        // BODY.PEEK: reading must not mark the source's messages \Seen (RFC 9051 section 6.4.5).
        properties.setProperty(prefix + "peek", "true");
        // The certificate must chain to a trusted CA and name the host, as for any client of the
        // user's (RFC 9525): the password goes only to the server the user named. Angus Mail uses
        // this factory for implicit TLS and for STARTTLS alike.
        properties.put(prefix + "ssl.socketFactory", settings.tlsSockets());
        properties.setProperty(prefix + "ssl.checkserveridentity", "true");
        if (source.tls() == ImportSource.Tls.STARTTLS) {
            properties.setProperty(prefix + "starttls.enable", "true");
            properties.setProperty(prefix + "starttls.required", "true");
        }
        return properties;
    }

    /** Every folder that can hold messages, parents before their children. */
    List<SourceFolder> folders() throws ImportFailure {
        try {
            List<SourceFolder> folders = new ArrayList<>();
            for (Folder folder : store.getDefaultFolder().list("*")) {
                List<String> attributes = Arrays.asList(((IMAPFolder) folder).getAttributes());
                if (attributes.stream().anyMatch(a -> a.equalsIgnoreCase("\\Noselect")
                        || a.equalsIgnoreCase("\\NonExistent"))) {
                    continue;
                }
                folders.add(new SourceFolder(folder.getFullName(), folder.getSeparator(), specialUse(attributes)));
            }
            folders.sort((a, b) -> a.name().compareTo(b.name()));
            return folders;
        } catch (MessagingException e) {
            throw failure("listing the folders", source, e);
        }
    }

    private static Optional<String> specialUse(List<String> attributes) {
        return SPECIAL_USES.stream()
                .filter(use -> attributes.stream().anyMatch(a -> a.equalsIgnoreCase("\\" + use)))
                .findFirst();
    }

    /** Selects the folder (read-only: EXAMINE) and answers how many messages it holds. */
    int open(SourceFolder folder) throws ImportFailure {
        try {
            closeSelected();
            selected = (IMAPFolder) store.getFolder(folder.name());
            selected.open(Folder.READ_ONLY);
            return selected.getMessageCount();
        } catch (MessagingException e) {
            throw failure("opening folder " + folder.name(), source, e);
        }
    }

    /** UID, flags, INTERNALDATE and size of the selected folder's messages {@code from} to {@code to}. */
    List<Summary> summaries(int from, int to) throws ImportFailure {
        try {
            Message[] messages = selected.getMessages(from, to);
            FetchProfile profile = new FetchProfile();
            profile.add(UIDFolder.FetchProfileItem.UID);
            profile.add(FetchProfile.Item.FLAGS);
            profile.add(FetchProfile.Item.SIZE);
            profile.add(IMAPFolder.FetchProfileItem.INTERNALDATE);
            selected.fetch(messages, profile);
            List<Summary> summaries = new ArrayList<>(messages.length);
            for (Message message : messages) {
                if (message.isExpunged()) {
                    continue;
                }
                // A server that gives no INTERNALDATE gets what APPEND without one gets: now.
                Instant internalDate = Optional.ofNullable(message.getReceivedDate()).map(java.util.Date::toInstant)
                        .orElseGet(Instant::now);
                summaries.add(new Summary(selected.getUID(message), flags(message.getFlags()), internalDate,
                        message.getSize()));
            }
            return summaries;
        } catch (MessagingException e) {
            throw failure("listing the messages of " + selected.getFullName(), source, e);
        }
    }

    /** The message as the source stores it, octet for octet (BODY.PEEK[]), or empty if it is gone. */
    Optional<byte[]> content(long uid) throws ImportFailure {
        try {
            Message message = selected.getMessageByUID(uid);
            if (message == null) {
                return Optional.empty();
            }
            int number = message.getMessageNumber();
            BODY body = (BODY) selected.doCommand(protocol -> protocol.peekBody(number, ""));
            return Optional.ofNullable(body).map(b -> b.getByteArray().getNewBytes());
        } catch (MessagingException e) {
            throw failure("reading message " + uid + " of " + selected.getFullName(), source, e);
        }
    }

    private static MessageFlags flags(Flags flags) {
        int system = 0;
        system |= flags.contains(Flags.Flag.SEEN) ? MessageFlags.SEEN : 0;
        system |= flags.contains(Flags.Flag.ANSWERED) ? MessageFlags.ANSWERED : 0;
        system |= flags.contains(Flags.Flag.FLAGGED) ? MessageFlags.FLAGGED : 0;
        system |= flags.contains(Flags.Flag.DELETED) ? MessageFlags.DELETED : 0;
        system |= flags.contains(Flags.Flag.DRAFT) ? MessageFlags.DRAFT : 0;
        return new MessageFlags(system, List.of(flags.getUserFlags()));
    }

    /** Logs out; a failure to is of no consequence once everything was read. */
    @Override
    public void close() {
        try {
            closeSelected();
            store.close();
        } catch (MessagingException e) {
            log.debug("Logging out of {} failed: {}", source.server(), e.toString());
        }
    }

    private void closeSelected() throws MessagingException {
        if (selected != null && selected.isOpen()) {
            selected.close(false);
        }
    }

    /** The handshake failed on the certificate path (PKIX), not on the connection or the protocol. */
    private static boolean untrustedCertificate(Throwable cause) {
        for (Throwable t = cause; t != null; t = t.getCause()) {
            if (t instanceof CertificateException) {
                return true;
            }
        }
        return false;
    }

    /**
     * The failure in words for the operator and the user: what we were doing and why it failed,
     * never an exception's class or text, which go to the log.
     */
    private static ImportFailure failure(String doing, ImportSource source, MessagingException e) {
        log.info("Mail import from {}: {} failed", source.server(), doing, e);
        if (e instanceof AuthenticationFailedException) {
            return new ImportFailure(source.server() + " refused the user name or the password of "
                    + source.username());
        }
        Throwable cause = e.getCause() != null ? e.getCause() : e;
        String why;
        if (cause instanceof ConnectException) {
            why = "nothing answers at " + source.server();
        } else if (cause instanceof SocketTimeoutException) {
            why = source.server() + " did not answer in time";
        } else if (cause instanceof UnknownHostException) {
            why = "the host name " + source.host() + " was not found";
        } else if (untrustedCertificate(cause)) {
            why = "the certificate of " + source.server() + " is not issued by a certificate authority this server"
                    + " trusts (self-signed, or from a private CA), so the password was not sent";
        } else if (cause instanceof SSLException) {
            why = "TLS with " + source.server() + " failed: its certificate is not trusted, does not name "
                    + source.host() + ", or the server does not speak TLS there";
        } else if (source.tls() == ImportSource.Tls.STARTTLS
                && String.valueOf(e.getMessage()).toLowerCase(Locale.ROOT).contains("starttls")) {
            why = source.server() + " does not offer STARTTLS";
        } else {
            why = "the connection to " + source.server() + " failed";
        }
        return new ImportFailure(doing + " failed: " + why);
    }
}
