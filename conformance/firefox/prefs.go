package firefox

import (
	"fmt"
	"sort"
	"strings"
)

// prefs returns the user.js preferences of a fresh profile for a lab whose
// proxy listens at proxyAddr (host:port) and whose host names are hosts.
//
// Names: every URL goes to the lab's proxy (network.proxy.*), which answers
// only the lab's origins, so Firefox itself resolves no name at all and
// nothing leaves loopback; network.dns.localDomains lists the lab's names
// too, so that they resolve to loopback even if a request bypassed the
// proxy.
//
// Offline: no Remote Settings (services.settings.server points at an
// unused loopback port, with MOZ_REMOTE_SETTINGS_DEVTOOLS=1 in the
// environment so that the pref is honoured), telemetry, updates (the
// browser's, add-ons', media plugins'), captive portal or connectivity
// checks, Safe Browsing, OCSP, DNS over HTTPS, push, speculative
// connections. The Remote Agent's own recommended preferences add more of
// the same. Whatever still tries is refused by the proxy, and the suite
// fails on it (lab.Servers.Refused).
func prefs(proxyHost string, proxyPort int, hosts []string) string {
	p := map[string]any{
		"network.proxy.type":                              1,
		"network.proxy.http":                              proxyHost,
		"network.proxy.http_port":                         proxyPort,
		"network.proxy.ssl":                               proxyHost,
		"network.proxy.ssl_port":                          proxyPort,
		"network.proxy.no_proxies_on":                     "",
		"network.proxy.allow_hijacking_localhost":         true,
		"network.proxy.socks_remote_dns":                  true,
		"network.dns.localDomains":                        strings.Join(hosts, ","),
		"network.dns.disablePrefetch":                     true,
		"network.trr.mode":                                5,
		"network.prefetch-next":                           false,
		"network.predictor.enabled":                       false,
		"network.http.speculative-parallel-limit":         0,
		"network.captive-portal-service.enabled":          false,
		"network.connectivity-service.enabled":            false,
		"services.settings.server":                        "http://127.0.0.1:9/remote-settings/v1",
		"security.OCSP.enabled":                           0,
		"security.remote_settings.crlite_filters.enabled": false,
		"security.remote_settings.intermediates.enabled":  false,
		"browser.safebrowsing.malware.enabled":            false,
		"browser.safebrowsing.phishing.enabled":           false,
		"browser.safebrowsing.downloads.enabled":          false,
		"browser.safebrowsing.blockedURIs.enabled":        false,
		"browser.safebrowsing.provider.mozilla.updateURL": "",
		"toolkit.telemetry.enabled":                       false,
		"toolkit.telemetry.unified":                       false,
		"toolkit.telemetry.archive.enabled":               false,
		"toolkit.telemetry.server":                        "",
		"datareporting.healthreport.uploadEnabled":        false,
		"datareporting.policy.dataSubmissionEnabled":      false,
		"app.update.disabledForTesting":                   true,
		"app.update.auto":                                 false,
		"app.normandy.enabled":                            false,
		"app.shield.optoutstudies.enabled":                false,
		// Media plugin and system add-on updates (aus5.mozilla.org) and
		// the Widevine component (update.googleapis.com): all were asked
		// for through the proxy within seconds of a launch before these
		// were set.
		"media.gmp-provider.enabled":                        false,
		"media.gmp-manager.updateEnabled":                   false,
		"media.gmp-manager.url":                             "http://127.0.0.1:9/gmp",
		"media.gmp-manager.url.override":                    "http://127.0.0.1:9/gmp",
		"media.gmp-manager.chromium-update-url":             "http://127.0.0.1:9/widevine",
		"media.gmp-gmpopenh264.enabled":                     false,
		"media.gmp-gmpopenh264.autoupdate":                  false,
		"media.gmp-widevinecdm.enabled":                     false,
		"media.gmp-widevinecdm.visible":                     false,
		"media.gmp-widevinecdm.autoupdate":                  false,
		"extensions.systemAddon.update.enabled":             false,
		"extensions.systemAddon.update.url":                 "http://127.0.0.1:9/system-addons",
		"extensions.update.enabled":                         false,
		"extensions.getAddons.cache.enabled":                false,
		"extensions.blocklist.enabled":                      false,
		"browser.search.update":                             false,
		"browser.region.network.url":                        "",
		"browser.region.update.enabled":                     false,
		"geo.provider.network.url":                          "",
		"dom.push.connection.enabled":                       false,
		"dom.push.serverURL":                                "",
		"browser.newtabpage.enabled":                        false,
		"browser.startup.page":                              0,
		"browser.startup.homepage":                          "about:blank",
		"browser.shell.checkDefaultBrowser":                 false,
		"browser.aboutwelcome.enabled":                      false,
		"datareporting.policy.firstRunURL":                  "",
		"browser.topsites.contile.enabled":                  false,
		"browser.newtabpage.activity-stream.feeds.topsites": false,
		"browser.ping-centre.telemetry":                     false,
		// The page of each step is opened by its http:// URL, as given:
		// no HTTPS-First upgrade of the harness's own navigations.
		"dom.security.https_first":            false,
		"dom.security.https_first_schemeless": false,
	}
	names := make([]string, 0, len(p))
	for n := range p {
		names = append(names, n)
	}
	sort.Strings(names)
	var b strings.Builder
	for _, n := range names {
		switch v := p[n].(type) {
		case string:
			fmt.Fprintf(&b, "user_pref(%q, %q);\n", n, v)
		default:
			fmt.Fprintf(&b, "user_pref(%q, %v);\n", n, v)
		}
	}
	return b.String()
}
