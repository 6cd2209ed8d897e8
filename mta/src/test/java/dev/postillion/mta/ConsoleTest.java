package dev.postillion.mta;

import static dev.postillion.mta.SmtpProtocolTest.connect;
import static dev.postillion.mta.SmtpProtocolTest.message;
import static dev.postillion.mta.SmtpProtocolTest.send;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.TimeoutException;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The web console in a real browser, Debian's headless Chromium driven through chromium-driver,
 * against a real node: an operator logs in, creates a domain and an address, sees a deferred
 * message in the queue, holds and releases it, and sees the API's refusal of a bad local part;
 * an address's Sieve scripts, encryption at rest, sending limits and imports, and the services.
 * The pages are photographed into {@code target/console/} (the README's screenshots).
 */
@Tag("browser")
class ConsoleTest extends NodeInRemoteWorld {

    private static final String BUSY = "451 4.2.0 Mailbox busy";
    private static final Path SCREENSHOTS = Path.of("target", "console");
    /** Where the console says what the API refused, what it did, and a queued message's state. */
    private static final By ALERT = By.id("error");
    private static final By NOTICE = By.id("notice");
    private static final By STATE = By.id("message-state");

    @TempDir static Path browserProfile;
    private static WebDriver browser;
    private static WebDriverWait wait;

    @BeforeAll
    static void start() throws IOException {
        startWorld().mx().rejectRecipient("wait@remote.test", BUSY);
        startNode(Map.of());
        browser = chromium();
        wait = new WebDriverWait(browser, Duration.ofSeconds(15));
    }

    @AfterAll
    static void stopBrowser() {
        if (browser != null) {
            browser.quit();
        }
    }

    /**
     * Debian's chromium and chromedriver, named so that Selenium never looks for a driver to
     * download; without the background-networking flags Chromium keeps calling Google's hosts.
     */
    private static WebDriver chromium() {
        ChromeOptions options = new ChromeOptions().setBinary("/usr/bin/chromium").addArguments("--headless=new",
                "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--no-first-run", "--window-size=1280,900",
                "--user-data-dir=" + browserProfile.toAbsolutePath());
        ChromeDriverService driver = new ChromeDriverService.Builder()
                .usingDriverExecutable(new File("/usr/bin/chromedriver")).usingAnyFreePort().build();
        return new ChromeDriver(driver, options);
    }

    @Test
    void anOperatorManagesDomainsAddressesAndTheQueue() throws IOException {
        browser.get(consoleUrl());
        ((JavascriptExecutor) browser).executeScript("sessionStorage.clear()");
        browser.navigate().refresh();
        logIn("not-the-token");
        assertShows(ALERT, "Refused (401): that is not this node's admin token");
        logIn(TestNode.TOKEN);
        wait.until(ExpectedConditions.textToBe(By.cssSelector("#queue-counts .card:nth-child(2) .value"), "0"));
        screenshot("overview");

        browser.findElement(By.linkText("Domains")).click();
        submit("add-domain", Map.of("name", "console.test"));
        assertShows(NOTICE, "Domain console.test added.");
        assertEquals(200, node.get("/api/v1/domains/console.test").statusCode());
        wait.until(ExpectedConditions.textToBe(By.xpath("//table[@id='domains']//tr[td/a='console.test']/td[2]"),
                "console.test")); // its service, of its own

        browser.findElement(By.linkText("console.test")).click();
        submit("add-address", Map.of("localPart", "anna smith", "password", "secret-password"));
        String refusal = QueueApi.json(node.post("/api/v1/domains/console.test/addresses",
                "{\"localPart\":\"anna smith\",\"password\":\"secret-password\"}")).get("error").asText();
        assertShows(ALERT, "Refused (400): " + refusal);
        submit("add-address", Map.of("localPart", "anna", "password", "secret-password"));
        assertShows(NOTICE, "Address anna@console.test added.");
        wait.until(ExpectedConditions.presenceOfElementLocated(By.linkText("anna@console.test")));
        assertEquals(200, node.get("/api/v1/addresses/anna@console.test").statusCode());
        screenshot("domain");

        String id;
        try (SmtpClient smtp = connect(node)) {
            id = send(smtp, "<anna@console.test>", message("for the queue"), "wait@remote.test");
        }
        queue.awaitAttempts(id, 1);
        browser.findElement(By.linkText("Queue")).click();
        wait.until(ExpectedConditions.presenceOfElementLocated(By.linkText(id))).click();
        assertShows(STATE, "deferred");
        screenshot("message");

        browser.findElement(By.id("hold")).click();
        assertShows(NOTICE, "Message " + id + " is on hold.");
        assertShows(STATE, "hold");
        assertEquals("hold", queue.message(id).get("state").asText());
        browser.findElement(By.id("release")).click();
        assertShows(NOTICE, "Message " + id + " is released.");
        JsonNode released = queue.message(id);
        assertNotEquals("hold", released.get("state").asText(), released.toString());
        browser.findElement(By.id("delete")).click();
        wait.until(ExpectedConditions.alertIsPresent()).accept();
        assertShows(NOTICE, "Message " + id + " deleted.");
        assertEquals(404, queue.get(id).statusCode());
    }

    @Test
    void anAddressPageChangesAliasesRedirectListsAndRespondersAndTheGreylistPageAllowsANetwork() {
        node.createMailbox("bob@pages.test");
        openLoggedIn("#/addresses/bob@pages.test");
        submit("add-alias", Map.of("localPart", "robert"));
        assertShows(NOTICE, "Alias robert added.");
        submit("redirect", Map.of("targets", "elsewhere@remote.test"));
        assertShows(NOTICE, "Redirect saved.");
        submit("lists", Map.of("allow", "@friends.test"));
        assertShows(NOTICE, "Sender lists saved.");
        submit("add-responder", Map.of("name", "Away", "text", "Back on Monday"));
        assertShows(NOTICE, "Responder Away added.");
        browser.findElement(By.xpath("//table[@id='responders']//button[text()='Activate']")).click();
        assertShows(NOTICE, "Responder Away activated.");
        submit("add-app-password", Map.of("name", "phone"));
        wait.until(ExpectedConditions.textMatches(NOTICE,
                Pattern.compile("App password phone: [a-z2-9]{4}(-[a-z2-9]{4}){4} \\(shown this once\\)\\.")));
        assertEquals("phone", QueueApi.json(node.get("/api/v1/addresses/bob@pages.test/app-passwords")).get(0)
                .get("name").asText());
        browser.findElement(By.xpath("//table[@id='app-passwords']//button[text()='Revoke']")).click();
        assertShows(NOTICE, "App password phone revoked; its sessions have ended.");
        assertEquals("[]", node.get("/api/v1/addresses/bob@pages.test/app-passwords").body());
        browser.findElement(By.id("toggle-disabled")).click();
        assertShows(NOTICE, "bob@pages.test disabled.");
        browser.findElement(By.id("toggle-spam-filter")).click();
        assertShows(NOTICE, "Spam filter of bob@pages.test turned off.");

        JsonNode bob = QueueApi.json(node.get("/api/v1/addresses/bob@pages.test"));
        assertEquals("[\"robert\"]", bob.get("aliases").toString());
        assertEquals("{\"targets\":[\"elsewhere@remote.test\"],\"keepCopy\":false}", bob.get("redirect").toString());
        assertEquals(true, bob.get("disabled").asBoolean());
        assertEquals(false, bob.get("spamFilter").asBoolean());
        assertEquals("[\"@friends.test\"]",
                QueueApi.json(node.get("/api/v1/addresses/bob@pages.test/lists")).get("allow").toString());
        JsonNode away = QueueApi.json(node.get("/api/v1/addresses/bob@pages.test/responders")).get(0);
        assertEquals("Away", away.get("name").asText());
        assertEquals(true, away.get("active").asBoolean());

        browser.findElement(By.linkText("Greylist")).click();
        submit("allow", Map.of("value", "192.0.2.0/24"));
        assertShows(NOTICE, "192.0.2.0/24 is no longer greylisted.");
        assertEquals("192.0.2.0/24",
                QueueApi.json(node.get("/api/v1/greylist/allow")).get(0).get("network").asText());
    }

    @Test
    void anAddressPageKeepsSieveScriptsTurnsEncryptionOnSetsSendingLimitsAndStartsImports() throws IOException {
        String carol = "carol@pages.test";
        String path = "/api/v1/addresses/" + carol;
        node.createMailbox(carol);
        openLoggedIn("#/addresses/" + carol);

        submit("put-sieve", Map.of("name", "filters", "script", "filein \"x\";"));
        assertShows(ALERT, "Refused (400): line 1, column 1: unknown command \"filein\"");
        String script = "require \"fileinto\";\nfileinto \"Lists\";";
        submit("put-sieve", Map.of("name", "filters", "script", script));
        assertShows(NOTICE, "Sieve script filters stored.");
        click("//table[@id='sieve-scripts']//button[text()='Activate']");
        assertShows(NOTICE, "Sieve script filters activated.");
        assertShows(By.xpath("//table[@id='sieve-scripts']//tr[td='filters']/td[3]"), "yes");
        assertEquals("filters", QueueApi.json(node.get(path + "/sieve")).get("active").asText());
        click("//table[@id='sieve-scripts']//button[text()='View']");
        assertShows(By.cssSelector("#sieve-script pre"), script);
        click("//table[@id='sieve-scripts']//button[text()='Deactivate']");
        assertShows(NOTICE, "Sieve script filters deactivated; none is active.");
        click("//table[@id='sieve-scripts']//button[text()='Delete']");
        assertShows(NOTICE, "Sieve script filters deleted.");
        assertEquals("{\"scripts\":[],\"active\":null}", node.get(path + "/sieve").body());

        assertShows(By.id("encryption-state"), "Off: messages are stored as they arrive.");
        submit("encryption", Map.of("password", "not-hers"));
        assertShows(ALERT, "Refused (403): password is not the password of " + carol);
        submit("encryption", Map.of("password", "secret-password"));
        wait.until(ExpectedConditions.textMatches(NOTICE, Pattern.compile("Encryption at rest of .* turned on; .*")));
        String fingerprint = QueueApi.json(node.get(path + "/encryption")).get("fingerprint").asText();
        assertShows(NOTICE, "Encryption at rest of " + carol + " turned on; key fingerprint " + fingerprint + ".");
        wait.until(ExpectedConditions.textMatches(By.id("encryption-state"),
                Pattern.compile("On since .+; key fingerprint " + fingerprint + "\\.")));

        submit("set-sending-limits", Map.of("messagesPerHour", "50"));
        assertShows(NOTICE, "Sending limits of " + carol + " saved.");
        assertShows(By.xpath("//table[@id='sending-limits']//tr[td='Messages per hour']/td[2]"), "50");
        assertShows(By.xpath("//table[@id='sending-limits']//tr[td='Messages per hour']/td[4]"), "50");
        assertEquals("{\"messagesPerHour\":50}",
                QueueApi.json(node.get(path + "/sending-limits")).get("override").toString());
        browser.findElement(By.id("clear-sending-limits")).click();
        assertShows(NOTICE, carol + " has the node's sending limits again.");
        assertEquals("{}", QueueApi.json(node.get(path + "/sending-limits")).get("override").toString());

        int closed;
        try (ServerSocket socket = new ServerSocket(0)) {
            closed = socket.getLocalPort();
        }
        new Select(browser.findElement(By.cssSelector("#start-import select[name=tls]"))).selectByValue("none");
        submit("start-import", Map.of("host", "127.0.0.1", "port", String.valueOf(closed), "username", "old",
                "password", "old-password"));
        wait.until(ExpectedConditions.textMatches(NOTICE, Pattern.compile("Import \\S+ from .* started\\.")));
        String id = QueueApi.json(node.get(path + "/imports")).get(0).get("id").asText();
        assertShows(NOTICE, "Import " + id + " from 127.0.0.1:" + closed + " started.");
        // No reload: the page reads the jobs again while one it shows runs.
        await("the import failed").atMost(Duration.ofSeconds(30))
                .until(() -> QueueApi.json(node.get(path + "/imports/" + id)).get("state").asText().equals("failed"));
        assertShows(By.xpath("//table[@id='imports']/tbody/tr/td[2]"), "old at 127.0.0.1:" + closed + " (TLS none)");
        assertShows(By.xpath("//table[@id='imports']/tbody/tr/td[3]"), "failed");
        assertShows(By.xpath("//table[@id='imports']/tbody/tr/td[7]"), "connecting to 127.0.0.1:" + closed
                + " failed: nothing answers at 127.0.0.1:" + closed);
    }

    @Test
    void theServicesPageCreatesAServiceChangesItsQuotaAndDeletesIt() {
        openLoggedIn("#/services");
        submit("add-service", Map.of("name", "Plan-Console", "addressQuota", "2"));
        assertShows(NOTICE, "Service plan-console created.");
        assertShows(By.xpath("//table[@id='services']//tr[td[1]='plan-console']/td[2]"), "2");
        assertEquals(201, node.post("/api/v1/domains", "{\"name\":\"plan.console.test\",\"service\":\"plan-console\"}")
                .statusCode());

        submit("quota-plan-console", Map.of("addressQuota", ""));
        assertShows(NOTICE, "Quota of service plan-console set to no limit.");
        assertShows(By.xpath("//table[@id='services']//tr[td[1]='plan-console']/td[4]"), "plan.console.test");
        assertEquals(true, QueueApi.json(node.get("/api/v1/services/plan-console")).get("addressQuota").isNull());

        String refusal = QueueApi.json(node.delete("/api/v1/services/plan-console")).get("error").asText();
        click("//button[@aria-label='Delete service plan-console']");
        assertShows(ALERT, "Refused (409): " + refusal);
        assertEquals(204, node.delete("/api/v1/domains/plan.console.test").statusCode());
        click("//button[@aria-label='Delete service plan-console']");
        assertShows(NOTICE, "Service plan-console deleted.");
        assertEquals(404, node.get("/api/v1/services/plan-console").statusCode());
    }

    /** Swagger UI renders the description under its Content-Security-Policy, in a real browser. */
    @Test
    void theApiDescriptionIsBrowsable() {
        browser.get("http://127.0.0.1:" + node.node().adminPort() + "/api/docs");
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.cssSelector(".swagger-ui .info .title"),
                "Postillion admin API"));
        wait.until(ExpectedConditions.presenceOfElementLocated(By.cssSelector(".opblock-summary-path[data-path='/api/v1/status']")));
    }

    /** Opens a page of the console with the token already in the tab, as after a log-in. */
    private static void openLoggedIn(String fragment) {
        browser.get(consoleUrl() + "/");
        ((JavascriptExecutor) browser).executeScript("sessionStorage.setItem('postillion.admin-token', arguments[0])",
                TestNode.TOKEN);
        browser.get(consoleUrl() + "/" + fragment);
    }

    private static String consoleUrl() {
        return "http://127.0.0.1:" + node.node().adminPort() + "/console";
    }

    private static void logIn(String token) {
        WebElement field = wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("token")));
        field.clear();
        field.sendKeys(token);
        browser.findElement(By.cssSelector("#login button[type=submit]")).click();
    }

    private static void click(String xpath) {
        wait.until(ExpectedConditions.elementToBeClickable(By.xpath(xpath))).click();
    }

    /** Fills the form's fields by name and submits it, once the page shows it. */
    private static void submit(String form, Map<String, String> values) {
        WebElement element = wait.until(ExpectedConditions.visibilityOfElementLocated(By.id(form)));
        values.forEach((name, value) -> {
            WebElement field = element.findElement(By.name(name));
            field.clear();
            field.sendKeys(value);
        });
        element.findElement(By.cssSelector("button[type=submit]")).click();
    }

    /**
     * The element comes to show {@code expected}: a page changes after the API answers, and until
     * then shows what it showed before (the last change's notice, the state before it).
     */
    private static void assertShows(By where, String expected) {
        try {
            wait.until(ExpectedConditions.textToBe(where, expected));
        } catch (TimeoutException e) {
            assertEquals(expected, browser.findElement(where).getText());
        }
    }

    private static void screenshot(String name) throws IOException {
        Files.createDirectories(SCREENSHOTS);
        File shot = ((TakesScreenshot) browser).getScreenshotAs(OutputType.FILE);
        Files.copy(shot.toPath(), SCREENSHOTS.resolve(name + ".png"), StandardCopyOption.REPLACE_EXISTING);
    }
}
