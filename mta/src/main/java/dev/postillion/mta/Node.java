package dev.postillion.mta;

import java.util.stream.Stream;
import dev.postillion.core.StoreFamily;
import dev.postillion.core.store.NodeStores;
import dev.postillion.core.store.StoreProbe;
import dev.postillion.mta.mailimport.MailImportFamilies;
import dev.postillion.mta.mailimport.MailboxImports;
import dev.postillion.mta.policy.PolicyFamilies;
import dev.postillion.mailbox.MailboxFamilies;
import dev.postillion.queue.SpoolFamilies;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import dev.postillion.admin.AdminRoutes;
import dev.postillion.admin.AdminServer;
import dev.postillion.admin.AdminToken;
import dev.postillion.core.NodeSettings;
import dev.postillion.core.PrivateDirectory;
import dev.postillion.core.QueueIdGenerator;
import dev.postillion.core.SharedSecret;
import dev.postillion.core.Store;
import dev.postillion.core.TlsHandshakes;
import dev.postillion.mailbox.Domain;
import dev.postillion.mailbox.Directory;
import dev.postillion.mailbox.DirectoryChanges;
import dev.postillion.mailbox.MailboxContext;
import dev.postillion.mailbox.Mailboxes;
import dev.postillion.mailbox.Router;
import dev.postillion.mailbox.srs.Srs;
import dev.postillion.mailbox.srs.SrsSecret;
import dev.postillion.auth.dkim.DkimSettings;
import dev.postillion.auth.dkim.DkimVerifier;
import dev.postillion.mta.policy.dkim.DomainKeyStore;
import dev.postillion.mta.policy.dkim.MasterKey;
import dev.postillion.mta.policy.dkim.SigningSettings;
import dev.postillion.mta.policy.dkim.SigningTransport;
import dev.postillion.auth.dmarc.DmarcEvaluator;
import dev.postillion.auth.dmarc.DmarcSettings;
import dev.postillion.mta.policy.greylist.Greylist;
import dev.postillion.mta.policy.greylist.GreylistSettings;
import dev.postillion.mta.policy.spam.RspamdLearning;
import dev.postillion.mta.policy.spam.SpamFilter;
import dev.postillion.mta.policy.spam.SpamSettings;
import dev.postillion.auth.AuthChecks;
import dev.postillion.auth.MessageAuthenticator;
import dev.postillion.auth.OnCheckError;
import dev.postillion.mta.policy.content.ContentPolicy;
import dev.postillion.mta.policy.content.ContentSettings;
import dev.postillion.auth.spf.SpfChecker;
import dev.postillion.auth.spf.SpfSettings;
import dev.postillion.mta.policy.limits.ClientRates;
import dev.postillion.mta.policy.limits.SenderRates;
import dev.postillion.mta.policy.limits.LimitSettings;
import dev.postillion.mta.smtp.ConnectionLimits;
import dev.postillion.mta.net.ContentMemory;
import dev.postillion.mta.smtp.Postmaster;
import dev.postillion.mta.net.ClientNetworks;
import dev.postillion.mta.access.AccessServer;
import dev.postillion.mta.access.ContentReads;
import dev.postillion.mta.imap.ImapServer;
import dev.postillion.mta.imap.ImapSettings;
import dev.postillion.mta.managesieve.ManageSieveServer;
import dev.postillion.mta.managesieve.ManageSieveSettings;
import dev.postillion.mta.pop3.Pop3Server;
import dev.postillion.mta.pop3.Pop3Settings;
import dev.postillion.mta.net.EventLoopDispatchers;
import dev.postillion.mta.smtp.ListenerRole;
import dev.postillion.mta.smtp.SmtpListener;
import dev.postillion.mta.smtp.SmtpMetrics;
import dev.postillion.mta.smtp.ListenerContext;
import dev.postillion.mta.login.SaslAuthenticator;
import dev.postillion.mta.login.AuthLockouts;
import dev.postillion.mta.login.AuthThrottle;
import dev.postillion.mta.login.LoginSessions;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.FileDescriptorMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import dev.postillion.mta.smtp.SmtpSessions;
import dev.postillion.mta.smtp.SmtpSettings;
import dev.postillion.mta.tls.ServerTls;
import dev.postillion.mta.tls.TlsSettings;
import dev.postillion.queue.DeliveryMetrics;
import dev.postillion.queue.DeliverySchedule;
import dev.postillion.queue.QueueAdmin;
import dev.postillion.queue.QueueManager;
import dev.postillion.queue.cluster.ClusterQueue;
import dev.postillion.queue.StatusReports;
import dev.postillion.queue.outbound.DestinationQueues;
import dev.postillion.queue.outbound.DestinationSettings;
import dev.postillion.queue.outbound.OutboundClient;
import dev.postillion.queue.outbound.RemoteTransport;
import dev.postillion.queue.outbound.SmtpClientSettings;
import dev.postillion.queue.routing.DnsRouteResolver;
import dev.postillion.core.dns.DnsLookups;
import dev.postillion.core.dns.DnsSettings;
import dev.postillion.core.dns.DnssecSettings;
import dev.postillion.core.dns.DnssecValidation;
import dev.postillion.core.dns.DnsjavaNameService;
import dev.postillion.core.dns.NameService;
import dev.postillion.queue.routing.TransportMap;
import dev.postillion.queue.tls.TlsPolicy;
import dev.postillion.queue.Spool;
import dev.postillion.queue.SpoolStore;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioSocketChannel;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;
import java.util.stream.StreamSupport;
import org.apache.pekko.Done;
import org.apache.pekko.actor.CoordinatedShutdown;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.apache.pekko.actor.typed.Props;
import org.apache.pekko.actor.typed.SupervisorStrategy;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.http.javadsl.ServerBinding;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One Postillion node: the store, the actor system (a cluster, of one by default), the queue,
 * the mailboxes, the SMTP listener and the admin API, wired together, and stopped in the reverse
 * order by Pekko's coordinated shutdown (on SIGTERM, or {@link #close()}).
 */
public final class Node implements AutoCloseable {

    /** Room in a large frame beyond the message: envelope, trace fields, Protobuf and Artery's framing. */
    private static final long LARGE_FRAME_HEADROOM = 1L << 20;
    private static final Logger log = LoggerFactory.getLogger(Node.class);
    /** How long the admin API waits for the queue manager to act on a message. */
    private static final Duration ADMIN_ASK_TIMEOUT = Duration.ofSeconds(10);

    private final ActorSystem<Void> system;
    private final Map<ListenerRole, SmtpListener> smtp;
    private final AccessServer imap;
    private final AccessServer pop3;
    private final AccessServer manageSieve;
    private final ServerBinding admin;
    /** True from start-up until shutdown begins: what /health reports. */
    private final AtomicBoolean accepting;
    private final NodeStores stores;

    private Node(ActorSystem<Void> system, Map<ListenerRole, SmtpListener> smtp, AccessServer imap, AccessServer pop3,
            AccessServer manageSieve, ServerBinding admin, AtomicBoolean accepting, NodeStores stores) {
        this.system = system;
        this.smtp = smtp;
        this.imap = imap;
        this.pop3 = pop3;
        this.manageSieve = manageSieve;
        this.admin = admin;
        this.accepting = accepting;
        this.stores = stores;
    }

    /**
     * The node's configuration: system properties, then {@code overrides} (tests), then the
     * operator's file ({@code -Dconfig.file}) or application.conf, then the node's Pekko settings
     * ({@code pekko-node.conf}), then every module's reference.conf.
     */
    public static Config configuration(Config overrides) {
        ConfigFactory.invalidateCaches();
        Config operators = overrides.withFallback(ConfigFactory.defaultApplication());
        Config nodes = ConfigFactory.parseResources("pekko-node.conf");
        Config loaded = ConfigFactory.load(operators.withFallback(nodes));
        return ConfigFactory.load(operators.withFallback(largeFrames(loaded)).withFallback(nodes));
    }

    /**
     * A delivery carries the whole message to the node its mailbox lives on, on Artery's lane for
     * large messages, whose frames must hold the largest message the node takes with our trace
     * fields and the envelope (the room the headroom leaves). Few such frames are pooled: each
     * holds that much direct memory while in use.
     */
    private static Config largeFrames(Config loaded) {
        long largest = loaded.getBytes("postillion.smtp.max-message-size") + LARGE_FRAME_HEADROOM;
        return ConfigFactory.parseMap(Map.of(
                "pekko.remote.artery.advanced.maximum-large-frame-size", largest,
                "pekko.remote.artery.advanced.large-buffer-pool-size", 4));
    }

    /** Starts a node from a configuration made by {@link #configuration}. */
    public static Node start(Config config, Clock clock) throws InterruptedException {
        NodeSettings node = NodeSettings.from(config);
        Config postillion = config.getConfig("postillion");
        // Before anything is opened, so that a bad setting stops the start with nothing to undo.
        Map<ListenerRole, SmtpSettings> listenerSettings = new EnumMap<>(ListenerRole.class);
        for (ListenerRole role : ListenerRole.values()) {
            listenerSettings.put(role, SmtpSettings.from(postillion.getConfig("smtp"), role.configName()));
        }
        ClusterMembership membership = ClusterMembership.from(config, node.hostname());
        LogFormat.apply(postillion.getString("log.format"), membership.nodeName());
        createDataDirectory(node.dataDir());
        PrometheusMeterRegistry metrics = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        // In a cluster every series says which node it is from.
        metrics.config().commonTags("node", membership.nodeName());
        TlsHandshakes handshakes = new TlsHandshakes(metrics);
        ServerTls tls = ServerTls.start(TlsSettings.from(config, node.dataDir(), node.hostname()), clock, handshakes);
        GreylistSettings greylistSettings = GreylistSettings.from(postillion.getConfig("greylist"));
        ContentPolicy contentPolicy = new ContentPolicy(ContentSettings.from(postillion));
        SpamSettings spamSettings = SpamSettings.from(postillion.getConfig("spam"));
        LimitSettings limitSettings = LimitSettings.from(postillion.getConfig("limits"));
        AuthThrottle.Settings authSettings = AuthThrottle.Settings.from(postillion.getConfig("smtp.auth"));
        SigningSettings signingSettings = SigningSettings.from(config, node.dataDir());
        MasterKey dkimMasterKey = MasterKey.load(signingSettings);
        NodeStores stores = NodeStores.open(node.dataDir(), node.store(), storeFamilies(), metrics);
        Store shared = stores.shared();
        EventLoopGroup io = ioGroup(postillion.getInt("smtp.io-threads"));
        EventLoopDispatchers sessionDispatchers = new EventLoopDispatchers(io);
        ActorSystem<Void> system = ActorSystem.create(Behaviors.empty(), "postillion",
                membership.namedRole(config).withFallback(sessionDispatchers.config()).withFallback(config));
        CoordinatedShutdown shutdown = CoordinatedShutdown.get(system);
        bindJvmMetrics(metrics, shutdown);
        shutdown.addTask(CoordinatedShutdown.PhaseBeforeActorSystemTerminate(), "close-store", () -> {
            stores.close();
            sessionDispatchers.release();
            return CompletableFuture.completedFuture(Done.getInstance());
        });
        membership.join(system);

        Directory directory = new Directory(shared, clock, Directory.Settings.from(postillion.getConfig("directory")));
        DirectoryChanges.start(system, directory);
        // Domains stored before mail services become services of their own, once, before any request.
        int adopted = directory.services().adoptDomains().toCompletableFuture().join();
        if (adopted > 0) {
            log.info("{} domain(s) stored before mail services now each belong to a service of their own", adopted);
        }
        // Before the store closes (the phase after): no directory change is then half-way to it.
        shutdown.addTask(CoordinatedShutdown.PhaseServiceStop(), "close-directory", () -> {
            directory.close();
            return CompletableFuture.completedFuture(Done.getInstance());
        });
        Srs srs = new Srs(SrsSecret.load(postillion.getString("srs.secret"), shared, node.dataDir()), clock,
                postillion.getDuration("srs.max-age"), directory::hosts);
        SpoolStore spoolStore = new SpoolStore(stores.local(), dkimMasterKey.spoolContentKey());
        discardOrphanPieces(spoolStore);
        // Counted before anything is written to the spool; every change moves the counts after.
        spoolStore.countMessages().toCompletableFuture().join();
        spoolStore.counts().register(metrics);
        QueueIdGenerator ids = new QueueIdGenerator(clock);
        // Mailboxes spool forwards and replies, and the queue manager delivers to mailboxes: the
        // spool learns of its queue manager once that is started.
        CompletableFuture<ActorRef<QueueManager.Command>> queueManagerStarted = new CompletableFuture<>();
        Spool spool = new Spool(spoolStore, ids, queueManagerStarted);
        // Before any mailbox takes a delivery: what a stop left parked is released or dropped.
        spool.settleParked(shared, storeFamilies()).toCompletableFuture().join();
        Mailboxes mailboxes = Mailboxes.start(system, new MailboxContext(shared, clock, directory, spool, srs,
                node.hostname(), Mailboxes.Settings.from(postillion.getConfig("mailbox"))));
        Config delivery = postillion.getConfig("delivery");
        DeliverySchedule schedule = DeliverySchedule.from(delivery);
        StatusReports reports = new StatusReports(node.hostname(), ids, delivery.getInt("report-return-limit"),
                schedule);
        // One name service for the node: routing and the checks of mail coming in share one cache.
        DnsjavaNameService dns = new DnsjavaNameService(DnsSettings.from(config), new DnsLookups(metrics));
        DnsRouteResolver dnsRoutes = new DnsRouteResolver(dns, DnssecSettings.from(config));
        registerDnssecGauge(metrics, dnsRoutes);
        RemoteTransport remote = remoteTransport(system, io, config, node.hostname(), dnsRoutes, handshakes, clock);
        // Mail leaving the node is DKIM-signed on the blocking dispatcher, off the queue manager's thread.
        Executor signing = system.dispatchers().lookup(DispatcherSelector.blocking());
        DomainKeyStore dkimKeys = new DomainKeyStore(shared, dkimMasterKey, signingSettings, clock, signing);
        dkimKeys.checkMasterKey();
        Router router = new Router(directory, srs, mailboxes, new SigningTransport(remote, dkimKeys,
                // Asked on the signing (blocking) dispatcher, where waiting for the store is allowed.
                domain -> directory.primary(domain).toCompletableFuture().join().map(Domain::name),
                clock, signing));
        ActorRef<QueueManager.Command> queueManager = system.systemActorOf(
                // Resume on a bug: its state is what it knows of the attempts under way.
                Behaviors.supervise(QueueManager.create(spoolStore, router, reports, clock,
                        new QueueManager.Settings(schedule,
                                delivery.getInt("max-attempts-in-flight"),
                                delivery.getBytes("max-bytes-in-flight")), new DeliveryMetrics(metrics)))
                        .onFailure(SupervisorStrategy.resume()),
                "queue-manager", Props.empty());
        queueManagerStarted.complete(queueManager);
        QueueAdmin queueAdmin = new QueueAdmin(spoolStore, queueManager, system.scheduler(), ADMIN_ASK_TIMEOUT);
        ClusterQueue queue = ClusterQueue.start(system, queueAdmin,
                Cluster.get(system).selfMember().address().toString(), delivery.getDuration("cluster-answer-timeout"),
                () -> upMembers(system));

        // Checks too heavy for the sessions' I/O threads: content scans, signature verification.
        Executor work = system.dispatchers().lookup(DispatcherSelector.blocking());
        Greylist greylist = Greylist.start(system, shared, clock, greylistSettings);
        ClientRates rates = ClientRates.start(system, clock, limitSettings);
        SenderRates senders = SenderRates.start(system, shared, clock, limitSettings, directory.services());
        ActorRef<SmtpSessions.Command> sessions = system.systemActorOf(SmtpSessions.create(sessionDispatchers),
                "smtp-sessions", Props.empty());
        SaslAuthenticator logins = new SaslAuthenticator(directory, AuthThrottle.start(system, authSettings, clock),
                new AuthLockouts(shared, clock), LoginSessions.start(system, directory), clock, metrics,
                system.scheduler());
        MessageAuthenticator messageAuthenticator = authenticator(config, dns, node.hostname(), clock, work, metrics);
        Postmaster postmaster = Postmaster.from(postillion, node.hostname());
        SpamFilter spam = new SpamFilter(spamSettings, metrics);
        shutdown.addTask(CoordinatedShutdown.PhaseBeforeActorSystemTerminate(), "close-spam-filter", () -> {
            spam.close();
            return CompletableFuture.completedFuture(Done.getInstance());
        });
        Map<ListenerRole, SmtpListener> smtp = new EnumMap<>(ListenerRole.class);
        ContentMemory contentMemory = ContentMemory.forHeap(postillion.getBytes("smtp.content-memory"));
        for (ListenerRole role : ListenerRole.values()) {
            ConnectionLimits limits = new ConnectionLimits(limitSettings, perClientExempt(postillion), clock,
                    node.hostname());
            ListenerContext context = new ListenerContext(role, listenerSettings.get(role), tls, node.hostname(),
                    directory, srs, greylist, spool, clock, contentPolicy, messageAuthenticator, rates, senders,
                    logins, postmaster, work, new SmtpMetrics(metrics, role, limits), spam);
            smtp.put(role, SmtpListener.start(context, io, limits, contentMemory, sessions));
        }

        ContentReads contentReads = new ContentReads(mailboxes.store(), contentMemory,
                directory.encryption().crypto());
        AccessServer imap = ImapServer.start(system, ImapSettings.from(postillion.getConfig("imap")), tls,
                node.hostname(), directory, mailboxes, logins, clock, contentMemory, contentReads, io, sessionDispatchers);
        AccessServer pop3 = Pop3Server.start(system, Pop3Settings.from(postillion.getConfig("pop3")), tls,
                node.hostname(), directory, mailboxes, logins, contentReads, io, sessionDispatchers);
        AccessServer manageSieve = ManageSieveServer.start(system,
                ManageSieveSettings.from(postillion.getConfig("managesieve")), tls, node.hostname(), directory, logins,
                io, sessionDispatchers);

        String token = AdminToken.resolve(postillion.getString("admin.token"), shared, node.dataDir());
        AtomicBoolean accepting = new AtomicBoolean();
        MailboxImports imports = MailboxImports.start(system, new MailboxImports.Context(shared, directory, mailboxes,
                spool, dkimMasterKey, clock, membership.nodeName(), node.hostname()), postillion);
        AdminRoutes routes = new AdminRoutes(token, directory, mailboxes, queue, greylist, dkimKeys, senders,
                new RspamdLearning(spamSettings, spam.rspamd()), imports,
                new NodeHealth(accepting, storeProbe(system, shared, postillion, queueAdmin), dnsRoutes, metrics,
                        system, membership.nodeName(), spoolStore.counts()));
        ServerBinding admin = AdminServer.start(system, postillion.getString("admin.bind"),
                postillion.getInt("admin.port"), routes).toCompletableFuture().join();

        Node started = new Node(system, smtp, imap, pop3, manageSieve, admin, accepting, stores);
        started.addShutdownTasks(shutdown, sessions, queueManager, remote, io,
                postillion.getDuration("smtp.shutdown-grace"));
        accepting.set(true);
        log.info("Postillion {} is up: SMTP MX on port {}, submission on {}, submissions on {}, IMAP on {} and {}"
                + " (TLS), POP3 on {} and {} (TLS), ManageSieve on {}, admin API on port {}", membership.nodeName(),
                started.smtpPort(), started.smtpPort(ListenerRole.SUBMISSION),
                started.smtpPort(ListenerRole.SUBMISSIONS), started.imapPort(false), started.imapPort(true),
                started.pop3Port(false), started.pop3Port(true), started.manageSievePort(), started.adminPort());
        return started;
    }

    /**
     * SPF, DKIM and DMARC of inbound mail, each unless turned off: DNS through the node's resolver
     * settings, signature checks on the blocking dispatcher, off the session threads.
     */
    private static MessageAuthenticator authenticator(Config config, NameService dns, String hostname, Clock clock,
            Executor cryptography, MeterRegistry metrics) {
        SpfSettings spf = SpfSettings.from(config);
        DkimSettings dkim = DkimSettings.from(config);
        return new MessageAuthenticator(
                spf.enabled() ? Optional.of(new SpfChecker(dns, spf, hostname, clock))
                        : Optional.empty(),
                dkim.enabled() ? Optional.of(new DkimVerifier(dns, dkim, clock, cryptography))
                        : Optional.empty(),
                DmarcSettings.from(config).enabled()
                        ? Optional.of(new DmarcEvaluator(dns))
                        : Optional.empty(),
                OnCheckError.from(config), new AuthChecks(metrics));
    }

    /** The data directory, owner-only (issue 12, defect 20): it holds every mailbox and the node's secrets. */
    private static void createDataDirectory(Path dataDir) {
        try {
            PrivateDirectory.create(dataDir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the data directory " + dataDir, e);
        }
    }

    /** Clients not held to the per-client connection limits: the relay networks and the exempt ones. */
    private static ClientNetworks perClientExempt(Config postillion) {
        List<String> networks = new ArrayList<>(postillion.getStringList("smtp.relay-networks"));
        networks.addAll(postillion.getStringList("limits.exempt-networks"));
        return ClientNetworks.parse(networks);
    }

    /**
     * Outbound SMTP (Postfix's smtp(8)): one destination queue per next hop, connections on the
     * node's I/O threads, next hops from the transport map and DNS, TLS and DANE per next hop.
     */
    private static RemoteTransport remoteTransport(ActorSystem<Void> system, EventLoopGroup io, Config config,
            String hostname, DnsRouteResolver routes, TlsHandshakes handshakes, Clock clock) {
        Config delivery = config.getConfig("postillion.delivery");
        OutboundClient client = new OutboundClient(io,
                Epoll.isAvailable() ? EpollSocketChannel.class : NioSocketChannel.class, hostname,
                SmtpClientSettings.from(delivery.getConfig("smtp")), TlsPolicy.from(config), handshakes);
        ActorRef<DestinationQueues.Command> queues = system.systemActorOf(DestinationQueues.create(client, routes,
                DestinationSettings.from(delivery.getConfig("destination")), clock),
                "destination-queues", Props.empty());
        return new RemoteTransport(queues, TransportMap.from(config)::nextHop,
                client.settings().maxRecipientsPerTransaction());
    }

    /**
     * postillion_dnssec_validation_available: 1 while DNSSEC validation works with the DNS servers,
     * 0 while they strip DNSSEC records and mail is routed without it (no DANE). Absent with DNSSEC off.
     */
    /**
     * Deletes what a crash during DATA left in the spool: pieces of messages never committed. Done
     * before the listeners open, when no message is arriving, and waited for (at start, on the
     * starting thread) so that a message written now cannot lose its pieces to the sweep.
     */
    /** The addresses of the cluster's members that are up. */
    private static Set<String> upMembers(ActorSystem<Void> system) {
        return StreamSupport.stream(Cluster.get(system).state().getMembers().spliterator(), false)
                .filter(member -> member.status() == MemberStatus.up() || member.status() == MemberStatus.weaklyUp())
                .map(member -> member.address().toString()).collect(Collectors.toSet());
    }

    /**
     * Asks the shared store whether it answers every {@code store.probe-interval}, for /health. When
     * it answers again after an outage, the deliveries to mailboxes it deferred are retried at once
     * rather than after their backoff.
     */
    private static StoreProbe storeProbe(ActorSystem<Void> system, Store shared, Config postillion,
            QueueAdmin queue) {
        StoreProbe probe = new StoreProbe(shared, () -> {
            log.info("The shared store answers again: the deliveries to mailboxes it deferred are retried now");
            queue.retryLocalDeliveries();
        });
        Duration interval = postillion.getDuration("store.probe-interval");
        system.scheduler().scheduleAtFixedRate(Duration.ZERO, interval, probe::probe, system.executionContext());
        return probe;
    }

    private static void discardOrphanPieces(SpoolStore spool) {
        int discarded = spool.discardOrphanPieces().toCompletableFuture().join();
        if (discarded > 0) {
            log.info("Deleted {} pieces of content of messages never spooled (a stop during DATA)", discarded);
        }
    }

    /** The JVM's and the process's own series (heap, GC, threads, CPU, open files, uptime). */
    private static void bindJvmMetrics(MeterRegistry metrics, CoordinatedShutdown shutdown) {
        JvmGcMetrics gc = new JvmGcMetrics();
        for (MeterBinder binder : List.of(new ClassLoaderMetrics(), new JvmMemoryMetrics(), gc, new JvmThreadMetrics(),
                new ProcessorMetrics(), new FileDescriptorMetrics(), new UptimeMetrics())) {
            binder.bindTo(metrics);
        }
        // Its GC listeners would outlive the node in a JVM that starts another (the tests).
        shutdown.addTask(CoordinatedShutdown.PhaseBeforeActorSystemTerminate(), "unbind-gc-metrics", () -> {
            gc.close();
            return CompletableFuture.completedFuture(Done.getInstance());
        });
    }

    private static void registerDnssecGauge(MeterRegistry metrics, DnsRouteResolver routes) {
        if (routes.dnssec() != DnssecValidation.State.OFF) {
            Gauge.builder("postillion.dnssec.validation.available", routes,
                            r -> r.dnssec() == DnssecValidation.State.VALIDATING ? 1 : 0)
                    .description("Whether DNSSEC validation works with the DNS servers (1) or not (0)")
                    .register(metrics);
        }
    }

    private static EventLoopGroup ioGroup(int threads) {
        int count = threads > 0 ? threads : Runtime.getRuntime().availableProcessors();
        return new MultiThreadIoEventLoopGroup(count,
                Epoll.isAvailable() ? EpollIoHandler.newFactory() : NioIoHandler.newFactory());
    }

    private void addShutdownTasks(CoordinatedShutdown shutdown, ActorRef<SmtpSessions.Command> sessions,
            ActorRef<QueueManager.Command> queueManager, RemoteTransport remote, EventLoopGroup io, Duration grace) {
        shutdown.addTask(CoordinatedShutdown.PhaseServiceUnbind(), "stop-accepting", () -> {
            accepting.set(false);
            smtp.values().forEach(SmtpListener::stopAccepting);
            imap.stopAccepting();
            imap.closeAll();
            pop3.stopAccepting();
            pop3.closeAll();
            manageSieve.stopAccepting();
            manageSieve.closeAll();
            return admin.unbind().thenApply(unbound -> Done.getInstance());
        });
        // Sessions first, then the deliveries of what they accepted last, while sharding still runs.
        shutdown.addTask(CoordinatedShutdown.PhaseServiceRequestsDone(), "finish-sessions-and-deliveries", () ->
                AskPattern.ask(sessions, SmtpSessions.Drain::new, grace, system.scheduler())
                        .exceptionally(timeout -> {
                            log.warn("SMTP sessions still open after {}; closing them", grace);
                            sessions.tell(new SmtpSessions.CloseAll());
                            return Done.getInstance();
                        })
                        // The queue answers within the grace itself; the ask's own timeout is a backstop.
                        .thenCompose(closed -> AskPattern.<QueueManager.Command, QueueManager.Drained>ask(queueManager,
                                replyTo -> new QueueManager.Drain(grace, replyTo), grace.plusSeconds(5),
                                system.scheduler()))
                        .handle((drained, failure) -> {
                            if (failure != null || !drained.complete()) {
                                log.warn("deliveries still in flight after {}; they resume at the next start", grace);
                            }
                            return Done.getInstance();
                        }));
        // Cached outbound connections get their QUIT before the I/O threads stop: the tasks of one
        // phase run at the same time, so the I/O threads stop in the phase after.
        shutdown.addTask(CoordinatedShutdown.PhaseServiceStop(), "close-outbound", remote::close);
        shutdown.addTask(CoordinatedShutdown.PhaseBeforeClusterShutdown(), "stop-io", () -> {
            io.shutdownGracefully(0, 2, TimeUnit.SECONDS);
            return CompletableFuture.completedFuture(Done.getInstance());
        });
    }

    /** The MX listener's port. */
    public int smtpPort() {
        return smtpPort(ListenerRole.MX);
    }

    public int smtpPort(ListenerRole role) {
        return smtp.get(role).port();
    }

    /** The IMAP listener's port: with STARTTLS, or with implicit TLS. */
    public int imapPort(boolean implicitTls) {
        return implicitTls ? imap.implicitTlsPort() : imap.plainPort();
    }

    /** The POP3 listener's port: with STLS, or with implicit TLS. */
    public int pop3Port(boolean implicitTls) {
        return implicitTls ? pop3.implicitTlsPort() : pop3.plainPort();
    }

    /** The ManageSieve listener's port (STARTTLS on it, RFC 5804). */
    public int manageSievePort() {
        return manageSieve.plainPort();
    }

    public int adminPort() {
        return admin.localAddress().getPort();
    }

    /** The column families of every module's records, which the node's store opens. */
    public static List<StoreFamily> storeFamilies() {
        return Stream.of(SpoolFamilies.ALL, MailboxFamilies.ALL, PolicyFamilies.ALL, MailImportFamilies.ALL,
                        List.of(SharedSecret.FAMILY))
                .flatMap(List::stream).toList();
    }

    /** The node's stores, for tests that look at what they hold. */
    NodeStores stores() {
        return stores;
    }

    public CompletionStage<Done> terminated() {
        return system.getWhenTerminated();
    }

    /** Stops the node as SIGTERM does: stop accepting, finish sessions, close the store. */
    @Override
    public void close() {
        CoordinatedShutdown.get(system).runAll(CoordinatedShutdown.unknownReason()).toCompletableFuture().join();
    }
}
