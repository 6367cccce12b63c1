import Testing
import Transport

struct RedactionTests {
    @Test(arguments: [
        ("access_token", "https://h/x?access_token=abc123&a=1", "https://h/x?access_token=REDACTED&a=1"),
        ("token and code", "https://h/x?token=t0k&code=c0de&keep=me", "https://h/x?token=REDACTED&code=REDACTED&keep=me"),
        ("client secret, any case", "https://h/x?Client_Secret=s3cr3t", "https://h/x?Client_Secret=REDACTED"),
        ("user info", "https://user:pa55@h/x?q=1", "https://REDACTED@h/x?q=1"),
        ("nothing secret", "https://h/v1/customers?size=100", "https://h/v1/customers?size=100"),
    ])
    func urls(_ name: String, _ url: String, _ expected: String) {
        #expect(Redaction.redactURL(url) == expected, "\(name)")
    }

    @Test(arguments: [
        ("JSON member", #"{"access_token":"eyJabc.def","x":1}"#, #"{"access_token":"REDACTED","x":1}"#),
        ("form body", "grant_type=refresh_token&refresh_token=0.AAA-bbb&client_id=1", "grant_type=refresh_token&refresh_token=REDACTED&client_id=1"),
        ("bearer", "Authorization: Bearer eyJ0eXAi.abc-def", "Authorization: Bearer REDACTED"),
    ])
    func text(_ name: String, _ text: String, _ expected: String) {
        #expect(Redaction.redactText(text) == expected, "\(name)")
    }

    @Test func registeredSecretsAreReplacedAnywhere() {
        Redaction.register(secret: "Registered-Value-4711")
        #expect(Redaction.redactText("oops Registered-Value-4711 leaked") == "oops REDACTED leaked")
        #expect(Redaction.redactURL("https://h/Registered-Value-4711/x") == "https://h/REDACTED/x")
    }
}
