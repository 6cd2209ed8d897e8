package dev.postillion.mta;

import static dev.postillion.mta.CommandLineRun.against;
import static dev.postillion.mta.CommandLineRun.run;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code postillion status, service, domain, address (with limits), greylist, completion} against a real node, in-process:
 * what each prints, as text and with {@code --json}, and the exit status scripts branch on.
 */
class CommandLineAdminTest {

    @RegisterExtension static final AdminCalls calls = new AdminCalls("cli");

    @Test
    void statusShowsHealthQueueAndMembers() {
        CommandLineRun text = against(calls.node(), "status");
        assertEquals(0, text.exit(), text.toString());
        List<String> lines = text.out().lines().toList();
        assertTrue(lines.get(0).startsWith("Health:  accepting (sharedStore reachable, node mx.test"), text.out());
        assertEquals("Queue:   0 active, 0 deferred, 0 hold", lines.get(1));
        assertEquals("", lines.get(2));
        assertTrue(lines.get(3).startsWith("MEMBER   ADDRESS"), text.out());
        assertTrue(lines.get(4).matches("mx\\.test  pekko://\\S+ +up +yes +\\(this node\\)"), text.out());
        assertEquals(5, lines.size(), text.out());

        CommandLineRun json = against(calls.node(), "status", "--json");
        assertEquals(0, json.exit(), json.toString());
        assertEquals("accepting", json.json().get("health").get("status").asText());
        assertEquals("{\"active\":0,\"deferred\":0,\"hold\":0}", json.json().get("queue").toString());
        assertTrue(json.json().get("members").get(0).get("self").asBoolean());
    }

    @Test
    void domainsAreAddedListedAndRemoved() {
        CommandLineRun added = against(calls.node(), "domain", "add", "Added.CLI.test");
        assertEquals(new CommandLineRun(0, "domain added.cli.test added to service added.cli.test\n", ""), added);

        CommandLineRun list = against(calls.node(), "domain", "list");
        assertEquals(0, list.exit(), list.toString());
        assertEquals(List.of("DOMAIN", "SERVICE", "ALIAS OF", "CATCH-ALL", "MAINTENANCE", "CREATED"),
                List.of(list.out().lines().findFirst().orElseThrow().split(" {2,}")));
        assertTrue(list.out().lines().anyMatch(line -> line.matches("added\\.cli\\.test +added\\.cli\\.test +- +- +no"
                + " +\\S+Z")), list.out());
        JsonNode domains = against(calls.node(), "domain", "list", "--json").json();
        assertTrue(domains.findValuesAsText("name").contains("added.cli.test"), domains.toString());

        CommandLineRun again = against(calls.node(), "domain", "add", "added.cli.test");
        assertEquals(1, again.exit(), again.toString());
        assertEquals("", again.out());
        assertTrue(again.err().startsWith("postillion domain add: ") && again.err().contains("added.cli.test"), again.err());

        assertEquals(new CommandLineRun(0, "domain added.cli.test removed\n", ""),
                against(calls.node(), "domain", "remove", "added.cli.test"));
        CommandLineRun gone = against(calls.node(), "domain", "remove", "added.cli.test");
        assertEquals(1, gone.exit(), gone.toString());
        assertTrue(gone.err().startsWith("postillion domain remove: "), gone.err());
    }

    @Test
    void aServiceGetsDefaultSendingLimitsAndMaintenanceAndAnAddressAnOverride() {
        assertEquals(0, against(calls.node(), "service", "create", "limits-cli", "--quota", "unlimited").exit());
        assertEquals(0, against(calls.node(), "domain", "add", "limits.cli.test", "--service", "limits-cli").exit());
        assertEquals(0, against(calls.node(), "address", "add", "anna@limits.cli.test", "--password",
                AdminCalls.PASSWORD).exit());

        assertEquals(new CommandLineRun(0, "sending limits of service limits-cli: messagesPerHour=50,recipientsPerDay=0\n",
                ""), against(calls.node(), "service", "set-limits", "limits-cli", "--messages-per-hour", "50",
                        "--recipients-per-day", "0"));
        assertEquals(new CommandLineRun(0, "sending limits of service limits-cli: messagesPerHour=50\n", ""),
                against(calls.node(), "service", "set-limits", "limits-cli", "--recipients-per-day", "inherit"));
        assertEquals(new CommandLineRun(2, "", "postillion service set-limits: give at least one of"
                + " --messages-per-hour, --messages-per-day, --recipients-per-hour, --recipients-per-day\n"),
                against(calls.node(), "service", "set-limits", "limits-cli"));
        assertEquals(new CommandLineRun(2, "", "postillion service set-limits: a limit is a whole number, 0 for no"
                + " limit, or inherit, not '-1'\n"),
                against(calls.node(), "service", "set-limits", "limits-cli", "--messages-per-day", "-1"));

        assertEquals(new CommandLineRun(0, "service limits-cli in maintenance\n", ""),
                against(calls.node(), "service", "maintenance", "limits-cli", "on"));
        CommandLineRun show = against(calls.node(), "service", "show", "limits-cli");
        assertTrue(show.out().lines().toList().get(1).matches(
                "limits-cli +unlimited +1 +limits\\.cli\\.test +yes +messagesPerHour=50 +\\S+Z"), show.out());
        assertEquals(new CommandLineRun(0, "service limits-cli out of maintenance\n", ""),
                against(calls.node(), "service", "maintenance", "limits-cli", "off"));
        assertEquals(new CommandLineRun(2, "", "postillion service maintenance: maintenance is on or off, not 'yes'\n"),
                against(calls.node(), "service", "maintenance", "limits-cli", "yes"));

        String anna = "anna@limits.cli.test";
        assertEquals(new CommandLineRun(0, "sending limits of " + anna + " overridden: {\"messagesPerDay\":20}\n", ""),
                against(calls.node(), "address", "limits", "set", anna, "--messages-per-day", "20"));
        CommandLineRun limits = against(calls.node(), "address", "limits", "show", anna);
        List<String> lines = limits.out().lines().toList();
        assertEquals(List.of("LIMIT", "IN FORCE", "USED", "OVERRIDE", "COUNT ENDS"), List.of(lines.get(0).split(" {2,}")));
        assertTrue(lines.get(1).matches("messagesPerHour +50 +0 +- +\\S+Z"), limits.out());
        assertTrue(lines.get(2).matches("messagesPerDay +20 +0 +20 +\\S+Z"), limits.out());
        assertTrue(lines.get(3).matches("recipientsPerHour +1000 +0 +- +\\S+Z"), limits.out());
        assertEquals(5, lines.size(), limits.out());
        assertEquals(new CommandLineRun(2, "", "postillion address limits set: a limit is a whole number, 0 for no"
                + " limit, not 'inherit'\n"),
                against(calls.node(), "address", "limits", "set", anna, "--messages-per-day", "inherit"));
        assertEquals(new CommandLineRun(0, "sending limits of " + anna + " inherited\n", ""),
                against(calls.node(), "address", "limits", "clear", anna));
        assertEquals("{}", against(calls.node(), "address", "limits", "show", anna, "--json").json().get("override")
                .toString());
    }

    @Test
    void servicesAreCreatedListedGivenAQuotaAndDeleted() {
        assertEquals(new CommandLineRun(0, "service plan-cli created\n", ""),
                against(calls.node(), "service", "create", "Plan-CLI", "--quota", "1"));
        assertEquals(new CommandLineRun(0, "domain plan.cli.test added to service plan-cli\n", ""),
                against(calls.node(), "domain", "add", "plan.cli.test", "--service", "plan-cli"));
        assertEquals(0, against(calls.node(), "address", "add", "anna@plan.cli.test", "--password",
                AdminCalls.PASSWORD).exit());
        CommandLineRun full = against(calls.node(), "address", "add", "bob@plan.cli.test", "--password",
                AdminCalls.PASSWORD);
        assertEquals(new CommandLineRun(1, "", "postillion address add: service plan-cli has reached its quota of 1"
                + " addresses; raise the quota to create more\n"), full);

        CommandLineRun show = against(calls.node(), "service", "show", "plan-cli");
        assertEquals(0, show.exit(), show.toString());
        List<String> lines = show.out().lines().toList();
        assertEquals(List.of("SERVICE", "QUOTA", "ADDRESSES", "DOMAINS", "MAINTENANCE", "SENDING LIMITS", "CREATED"),
                List.of(lines.get(0).split(" {2,}")));
        assertTrue(lines.get(1).matches("plan-cli +1 +1 +plan\\.cli\\.test +no +- +\\S+Z"), show.out());
        assertEquals(2, lines.size(), show.out());

        assertEquals(new CommandLineRun(0, "quota of service plan-cli set to unlimited\n", ""),
                against(calls.node(), "service", "set-quota", "plan-cli", "unlimited"));
        CommandLineRun list = against(calls.node(), "service", "list");
        assertTrue(list.out().lines().anyMatch(line -> line.matches("plan-cli +unlimited +1 +plan\\.cli\\.test +no +- +\\S+Z")),
                list.out());
        CommandLineRun json = against(calls.node(), "service", "set-quota", "plan-cli", "2", "--json");
        assertEquals(2, json.json().get("addressQuota").asInt(), json.toString());
        assertEquals(new CommandLineRun(2, "", "postillion service set-quota: the quota must be a whole number or"
                + " unlimited, not 'lots'\n"), against(calls.node(), "service", "set-quota", "plan-cli", "lots"));

        CommandLineRun owning = against(calls.node(), "service", "delete", "plan-cli");
        assertEquals(new CommandLineRun(1, "", "postillion service delete: service plan-cli still owns 1 domain(s):"
                + " plan.cli.test; delete them or move them to another service first\n"), owning);
        assertEquals(0, against(calls.node(), "address", "remove", "anna@plan.cli.test").exit());
        assertEquals(0, against(calls.node(), "domain", "remove", "plan.cli.test").exit());
        assertEquals(new CommandLineRun(0, "service plan-cli deleted\n", ""),
                against(calls.node(), "service", "delete", "plan-cli"));
    }

    @Test
    void addressesAreAddedDisabledEnabledGivenAPasswordAndRemoved() throws IOException {
        String domain = calls.newDomain();
        String anna = "anna@" + domain;
        assertEquals(new CommandLineRun(0, "address " + anna + " added\n", ""),
                against(calls.node(), "address", "add", anna, "--password", AdminCalls.PASSWORD));

        CommandLineRun list = against(calls.node(), "address", "list", domain);
        assertEquals(0, list.exit(), list.toString());
        assertEquals(List.of("ADDRESS", "TYPE", "STATUS", "ALIASES", "CREATED"),
                List.of(list.out().lines().findFirst().orElseThrow().split(" {2,}")));
        assertTrue(list.out().lines().anyMatch(line -> line.matches(anna.replace(".", "\\.")
                + " +mailbox +enabled +- +\\S+Z")), list.out());

        assertEquals(new CommandLineRun(0, "address " + anna + " disabled\n", ""),
                against(calls.node(), "address", "disable", anna));
        assertTrue(AdminCalls.json(calls.node().get(AdminCalls.address(anna))).get("disabled").asBoolean());
        CommandLineRun enabled = against(calls.node(), "address", "enable", anna, "--json");
        assertEquals(0, enabled.exit(), enabled.toString());
        assertEquals(false, enabled.json().get("disabled").asBoolean());
        assertEquals(new CommandLineRun(0, "spam filter of " + anna + " turned off\n", ""),
                against(calls.node(), "address", "spam-filter", anna, "off"));
        assertEquals(false, AdminCalls.json(calls.node().get(AdminCalls.address(anna))).get("spamFilter").asBoolean());
        assertEquals(anna, against(calls.node(), "address", "list", domain, "--json").json().get(0).get("address").asText());
        assertTrue(against(calls.node(), "address", "list", "--json").json().findValuesAsText("address").contains(anna),
                "every domain's addresses");

        assertEquals(new CommandLineRun(0, "password of " + anna + " changed\n", ""),
                against(calls.node(), "address", "password", anna, "--password", "another good password"));
        CommandLineRun weak = against(calls.node(), "address", "password", anna, "--password", "x");
        assertEquals(1, weak.exit(), weak.toString());
        assertTrue(weak.err().startsWith("postillion address password: "), weak.err());

        CommandLineRun badLocalPart = against(calls.node(), "address", "add", "an na@" + domain, "--password",
                AdminCalls.PASSWORD);
        assertEquals(1, badLocalPart.exit(), badLocalPart.toString());
        assertTrue(badLocalPart.err().startsWith("postillion address add: "), badLocalPart.err());
        CommandLineRun noDomain = against(calls.node(), "address", "add", "anna", "--password", AdminCalls.PASSWORD);
        assertEquals(new CommandLineRun(2, "", "postillion address add: 'anna' is not an address: give local-part@domain\n"),
                noDomain);

        assertEquals(new CommandLineRun(0, "address " + anna + " removed\n", ""),
                against(calls.node(), "address", "remove", anna));
        CommandLineRun gone = against(calls.node(), "address", "disable", anna);
        assertEquals(1, gone.exit(), gone.toString());
    }

    @Test
    void sieveScriptsAreStoredListedShownActivatedAndDeleted(@TempDir Path dir) throws IOException {
        String domain = calls.newDomain();
        String anna = "anna@" + domain;
        assertEquals(0, against(calls.node(), "address", "add", anna, "--password", AdminCalls.PASSWORD).exit());
        Path script = dir.resolve("filters.sieve");
        Files.writeString(script, "require \"fileinto\";\nfileinto \"Lists\";\n");
        Path broken = dir.resolve("broken.sieve");
        Files.writeString(broken, "filein \"x\";\n");

        assertEquals(new CommandLineRun(0, "script filters of " + anna + " stored\n", ""),
                against(calls.node(), "address", "sieve", "put", anna, "filters", script.toString()));
        assertEquals(new CommandLineRun(1, "", "postillion address sieve put: line 1, column 1: unknown command"
                + " \"filein\"\n"), against(calls.node(), "address", "sieve", "put", anna, "bad", broken.toString()));
        assertEquals(new CommandLineRun(0, "script filters of " + anna + " activated\n", ""),
                against(calls.node(), "address", "sieve", "activate", anna, "filters"));
        assertEquals(new CommandLineRun(0, """
                NAME     SIZE  ACTIVE
                filters  38    yes
                """, ""), against(calls.node(), "address", "sieve", "list", anna));
        assertEquals(new CommandLineRun(0, Files.readString(script), ""),
                against(calls.node(), "address", "sieve", "get", anna, "filters"));
        assertEquals(new CommandLineRun(0, "no script of " + anna + " is active\n", ""),
                against(calls.node(), "address", "sieve", "deactivate", anna));
        assertEquals(new CommandLineRun(0, "script filters of " + anna + " deleted\n", ""),
                against(calls.node(), "address", "sieve", "delete", anna, "filters"));
        assertEquals("{\"scripts\":[],\"active\":null}",
                against(calls.node(), "address", "sieve", "list", anna, "--json").json().toString());
        CommandLineRun gone = against(calls.node(), "address", "sieve", "get", anna, "filters");
        assertEquals(new CommandLineRun(1, "", "postillion address sieve get: no script named filters\n"), gone);
    }

    @Test
    void encryptionAtRestIsShownAndTurnedOnWithTheUsersPassword() {
        String anna = calls.newAddress(calls.newDomain(), "sealed");
        assertEquals(new CommandLineRun(0, "encryption at rest of " + anna + ": off\n", ""),
                against(calls.node(), "address", "encryption", "show", anna));
        assertEquals(new CommandLineRun(1, "", "postillion address encryption enable: password is not the password of "
                + anna + "\n"), against(calls.node(), "address", "encryption", "enable", anna, "--password", "not-hers"));

        CommandLineRun enabled;
        InputStream stdin = System.in;
        try {
            System.setIn(new ByteArrayInputStream((AdminCalls.PASSWORD + "\n").getBytes(StandardCharsets.UTF_8)));
            enabled = against(calls.node(), "address", "encryption", "enable", anna, "--password-stdin");
        } finally {
            System.setIn(stdin);
        }
        JsonNode encryption = AdminCalls.json(calls.node().get(AdminCalls.address(anna) + "/encryption"));
        String fingerprint = encryption.get("fingerprint").asText();
        assertEquals(new CommandLineRun(0, "encryption at rest of " + anna + " turned on; key fingerprint " + fingerprint
                + "\n", ""), enabled);
        assertEquals(new CommandLineRun(0, "encryption at rest of " + anna + ": on since "
                + encryption.get("since").asText() + ", key fingerprint " + fingerprint + "\n", ""),
                against(calls.node(), "address", "encryption", "show", anna));
        assertEquals(encryption, against(calls.node(), "address", "encryption", "show", anna, "--json").json());
        assertEquals(new CommandLineRun(1, "", "postillion address encryption enable: " + anna
                + " is encrypted at rest already\n"), against(calls.node(), "address", "encryption", "enable", anna,
                "--password", AdminCalls.PASSWORD));
    }

    /** An import from a port where nothing answers: it starts, fails, and says why. */
    @Test
    void importsAreStartedListedAndShown() throws IOException {
        String anna = calls.newAddress(calls.newDomain(), "moving");
        int closed;
        try (ServerSocket socket = new ServerSocket(0)) {
            closed = socket.getLocalPort();
        }
        CommandLineRun started = against(calls.node(), "address", "import", "start", anna, "--host", "127.0.0.1",
                "--port", String.valueOf(closed), "--tls", "none", "--username", "old", "--password", "old-password");
        String imports = AdminCalls.address(anna) + "/imports";
        String id = AdminCalls.json(calls.node().get(imports)).get(0).get("id").asText();
        String source = "127.0.0.1:" + closed + " (tls none)";
        assertEquals(new CommandLineRun(0, "import " + id + " into " + anna + " from " + source + " started\n", ""),
                started);
        await("the import failed").atMost(Duration.ofSeconds(30)).until(() -> AdminCalls.json(
                calls.node().get(imports + "/" + id)).get("state").asText().equals("failed"));
        JsonNode job = AdminCalls.json(calls.node().get(imports + "/" + id));

        CommandLineRun list = against(calls.node(), "address", "import", "list", anna);
        assertEquals(0, list.exit(), list.toString());
        assertEquals(List.of(List.of("ID", "FROM", "USER", "STATE", "STARTED", "COPIED", "SKIPPED", "FAILED"),
                List.of(id, source, "old", "failed", job.get("started").asText(), "0", "0", "0")),
                list.out().lines().map(line -> List.of(line.split(" {2,}"))).toList());
        assertEquals(job, against(calls.node(), "address", "import", "list", anna, "--json").json().get(0));
        assertEquals(new CommandLineRun(0, "Import:       " + id + "\n"
                + "Address:      " + anna + "\n"
                + "From:         " + source + " as old\n"
                + "State:        failed\n"
                + "Started:      " + job.get("started").asText() + "\n"
                + "Finished:     " + job.get("finished").asText() + "\n"
                + "Folders done: -\n"
                + "Messages:     0 copied, 0 skipped, 0 failed\n"
                + "Error:        connecting to 127.0.0.1:" + closed + " failed: nothing answers at 127.0.0.1:" + closed
                + "\n", ""), against(calls.node(), "address", "import", "show", anna, id));
        assertEquals(new CommandLineRun(1, "", "postillion address import show: no import nosuchjob for " + anna + "\n"),
                against(calls.node(), "address", "import", "show", anna, "nosuchjob"));
        CommandLineRun noUser = against(calls.node(), "address", "import", "start", anna, "--host", "127.0.0.1",
                "--password", "old-password");
        assertEquals(2, noUser.exit(), noUser.toString());
        assertTrue(noUser.err().startsWith("Missing required option: '--username=USER'"), noUser.err());
    }

    @Test
    void greylistAllowEntriesAreAddedListedAndForgotten() {
        assertEquals(new CommandLineRun(0, "allowed: network:192.0.2.0/24\n", ""),
                against(calls.node(), "greylist", "allow", "--network", "192.0.2.0/24"));
        CommandLineRun allowed = against(calls.node(), "greylist", "list", "--allowed");
        assertEquals(new CommandLineRun(0, """
                KEY                   NETWORK       DOMAIN
                network:192.0.2.0/24  192.0.2.0/24  -
                """, ""), allowed);
        assertEquals("[{\"key\":\"network:192.0.2.0/24\",\"network\":\"192.0.2.0/24\"}]",
                against(calls.node(), "greylist", "list", "--allowed", "--json").json().toString());

        CommandLineRun triplets = against(calls.node(), "greylist", "list", "--json");
        assertEquals("{\"triplets\":[],\"next\":null}", triplets.json().toString(), triplets.toString());
        assertEquals(new CommandLineRun(0, "KEY  STATE  NETWORK  SENDER  RECIPIENT  LAST SEEN\n", ""),
                against(calls.node(), "greylist", "list"));

        assertEquals(new CommandLineRun(0, "forgotten: network:192.0.2.0/24\n", ""),
                against(calls.node(), "greylist", "forget", "network:192.0.2.0/24"));
        assertEquals(new CommandLineRun(1, "", "postillion greylist forget: no greylist entry network:192.0.2.0/24\n"),
                against(calls.node(), "greylist", "forget", "network:192.0.2.0/24"));
        CommandLineRun both = against(calls.node(), "greylist", "allow", "--network", "192.0.2.0/24", "--domain", "a.test");
        assertEquals(2, both.exit(), both.toString());
    }

    @Test
    void aWrongTokenIsNotAuthorized() {
        CommandLineRun run = run("domain", "list", "--url", "http://127.0.0.1:" + calls.node().node().adminPort(),
                "--token", "wrong");
        assertEquals(new CommandLineRun(4, "", "postillion domain list: not authorized: invalid bearer token (the token"
                + " comes from --token, POSTILLION_ADMIN_TOKEN or the data directory's admin-token)\n"), run);
    }

    @Test
    void theTokenIsReadFromTheDataDirectory(@TempDir Path dataDir) throws IOException {
        String url = "http://127.0.0.1:" + calls.node().node().adminPort();
        CommandLineRun none = run("status", "--url", url, "--data-dir", dataDir.toString());
        assertEquals(new CommandLineRun(4, "", "postillion status: no admin token: give --token, set"
                + " POSTILLION_ADMIN_TOKEN, or point --data-dir at the node's data directory (there is no "
                + dataDir.resolve("admin-token") + ")\n"), none);

        Files.writeString(dataDir.resolve("admin-token"), TestNode.TOKEN + "\n");
        CommandLineRun read = run("status", "--url", url, "--data-dir", dataDir.toString());
        assertEquals(0, read.exit(), read.toString());
    }

    @Test
    void aNodeThatCannotBeReachedIsUnavailable() throws IOException {
        int port;
        try (ServerSocket closed = new ServerSocket(0)) {
            port = closed.getLocalPort();
        }
        CommandLineRun run = run("queue", "list", "--url", "http://127.0.0.1:" + port, "--token", "t");
        assertEquals(new CommandLineRun(3, "", "postillion queue list: cannot reach the node at http://127.0.0.1:"
                + port + ": connection refused\n"), run);
    }

    @Test
    void aCommandLineThatCannotBeReadIsAUsageError() {
        CommandLineRun unknown = run("queue", "lists");
        assertEquals(2, unknown.exit(), unknown.toString());
        assertTrue(unknown.err().startsWith("Unmatched argument at index 1: 'lists'"), unknown.err());
        CommandLineRun missingId = run("queue", "show");
        assertEquals(2, missingId.exit(), missingId.toString());
        assertTrue(missingId.err().startsWith("Missing required parameter: 'ID'"), missingId.err());
        CommandLineRun badUrl = run("status", "--url", "localhost:8080");
        assertEquals(2, badUrl.exit(), badUrl.toString());
        assertTrue(badUrl.err().startsWith("--url must be the admin API's http:// or https:// URL, such as"
                + " http://127.0.0.1:8080, not 'localhost:8080'"), badUrl.err());
    }

    @Test
    void appPasswordsAreCreatedListedAndRevoked() throws IOException {
        String anna = calls.newAddress(calls.newDomain(), "apps");
        CommandLineRun created = against(calls.node(), "address", "app-password", "create", anna, "phone");
        assertEquals(0, created.exit(), created.toString());
        assertTrue(created.out().matches("app password phone of " + anna + ": [a-z2-9]{4}(-[a-z2-9]{4}){4}\n"),
                created.out());

        CommandLineRun list = against(calls.node(), "address", "app-password", "list", anna);
        assertEquals(0, list.exit(), list.toString());
        assertEquals(List.of("NAME", "CREATED", "LAST USED", "PROTOCOL"),
                List.of(list.out().lines().findFirst().orElseThrow().split(" {2,}")));
        assertTrue(list.out().lines().skip(1).findFirst().orElseThrow().matches("phone +\\S+Z +- +-"), list.out());
        assertEquals("phone", against(calls.node(), "address", "app-password", "list", anna, "--json").json()
                .get(0).get("name").asText());
        CommandLineRun again = against(calls.node(), "address", "app-password", "create", anna, "phone");
        assertEquals(new CommandLineRun(1, "", "postillion address app-password create: " + anna
                + " has an app password named 'phone' already\n"), again);

        assertEquals(new CommandLineRun(0, "app password phone of " + anna + " revoked\n", ""),
                against(calls.node(), "address", "app-password", "revoke", anna, "phone"));
        CommandLineRun gone = against(calls.node(), "address", "app-password", "revoke", anna, "phone");
        assertEquals(new CommandLineRun(1, "", "postillion address app-password revoke: " + anna
                + " has no app password named 'phone'\n"), gone);
    }

    /** The manifest of the jar says the version; run from the classes, as here, there is none to say. */
    @Test
    void versionSaysWhereItComesFrom() {
        assertEquals(new CommandLineRun(0, "postillion (not run from its jar: no version)\n", ""), run("--version"));
    }

    @Test
    void helpListsTheCommandsAndTheExitCodes() {
        CommandLineRun help = run("--help");
        assertEquals(0, help.exit(), help.toString());
        for (String command : List.of("serve", "migrate-store", "status", "queue", "service", "domain", "address",
                "greylist",
                "completion")) {
            assertTrue(help.out().contains("\n  " + command + " "), command + " in\n" + help.out());
        }
        assertTrue(help.out().endsWith("""
                Exit codes:
                  0   done
                  1   the node refused: not found, conflict, invalid input
                  2   invalid command line
                  3   node unreachable, failed (5xx) or not accepting mail
                  4   no admin token, or the node refused it
                """), help.out());
    }

    @Test
    void completionPrintsABashScriptForEveryCommand() {
        CommandLineRun completion = run("completion");
        assertEquals(0, completion.exit(), completion.toString());
        assertTrue(completion.out().startsWith("#!/usr/bin/env bash"), completion.out());
        assertTrue(completion.out().contains("complete -F _complete_postillion"), completion.out());
        assertTrue(completion.out().contains(
                "local commands=\"serve migrate-store status queue service domain address greylist completion\""), completion.out());
        assertTrue(completion.out().contains("local commands=\"list bounce delete flush hold release retry show\""),
                completion.out());
    }
}
