package fetch

import (
	"net/url"
	"reflect"
	"slices"
	"testing"

	"github.com/corsim/corsim/cookie"
	"github.com/corsim/corsim/policy"
)

// sameWireJudgingOnly names the Profile fields that matter only once a
// response has arrived or a cache entry was stored: SameWire does not
// compare them.
var sameWireJudgingOnly = []string{
	"Name",
	"DefaultMaxAge", "MaxAgeCap", "MaxAgeAbsent", "MaxAgeInvalid", "MaxAgeEmpty", "MaxAgeNegative", "MaxAgeZero",
	"CacheCapacity", "Eviction", "EvictRunLength", "MaxCacheURLLength", "ReplaceEntries",
	"CacheWildcardCoversAuthorization", "NoWildcardReuse", "LiteralCredentialedWildcard",
	"SeparateCredentials", "Partition", "KeyByUntaintedOrigin", "CacheExemptMethods", "CacheBypassModes",
	"StoreBeforeMethodCheck", "KeepCacheOnFailure", "ClearCacheOnCORSCheckFailure",
	"PreflightStatusFirst", "PreflightRedirectFirst", "PreflightUntaintedOrigin", "WildcardCoversAuthorization", "WarnWildcardAuthorization",
	"DataURLContentLength", "RedirectLimit", "MaxResponseHeaderBytes",
	"WildcardByStoredCredentials", "EraseInsufficientEntry", "OpaqueOriginBypassesCache", "OpaqueOriginKeyedByPage",
	"RefuseControlBytesInResponseHeaders",
}

// sameWireNotReadByFetch names the Profile fields the simulated browser
// reads, not fetch: FormBoundary is in the request's body by the time fetch
// gets it, and Cookies are the rules of the Fetcher's cookie store (a
// Fetcher with a store is never SameWire).
var sameWireNotReadByFetch = []string{"FormBoundary", "Cookies"}

// sameWireRequests are requests that meet every gate SameWire compares:
// a preflighted credentialed request with an extra header to a
// potentially trustworthy URL, a public secure page to loopback over http
// (mixed content, Local Network Access) with and without the permission,
// an insecure page to loopback, and a request that declares its
// target address space.
func sameWireRequests(t *testing.T) []*Request {
	page := func(s string) Client {
		o, err := policy.ParseOrigin(s)
		if err != nil {
			t.Fatal(err)
		}
		return Client{Origin: o}
	}
	var out []*Request
	for _, x := range []struct {
		page    string
		granted bool // the page has the local-network permission
		init    RequestInit
	}{
		{"https://www.attacker.example", false, RequestInit{Method: "PUT", URL: "https://api.target.example/x", Mode: ModeCORS, Credentials: CredentialsInclude,
			Header: policy.HeaderList{{Name: "Content-Type", Value: "application/json"}, {Name: "X-Extra", Value: "1"}}}},
		{"https://www.attacker.example", false, RequestInit{Method: "GET", URL: "http://127.0.0.1:8080/x", Mode: ModeCORS}},
		{"https://www.attacker.example", true, RequestInit{Method: "GET", URL: "http://127.0.0.1:8080/x", Mode: ModeCORS}},
		{"http://www.attacker.example", true, RequestInit{Method: "GET", URL: "http://127.0.0.1:8080/x", Mode: ModeCORS}},
		{"https://www.attacker.example", false, RequestInit{Method: "GET", URL: "https://api.target.example/x", Mode: ModeCORS, TargetAddressSpace: "local"}},
		{"https://www.attacker.example", false, RequestInit{Method: "GET", URL: "https://api.target.example/x", Mode: ModeCORS,
			Header: policy.HeaderList{{Name: "Accept", Value: "a"}, {Name: "accept", Value: "b"}}}},
		{"https://www.attacker.example", false, RequestInit{Method: "POST", URL: "https://api.target.example/x", Mode: ModeNoCORS, ReferrerPolicy: ReferrerNoReferrer}},
		{"https://www.attacker.example", false, RequestInit{Method: "GET", URL: "https://api.target.example/x", Mode: ModeCORS, ReferrerPolicy: ReferrerUnsafeURL}},
		{"null", false, RequestInit{Method: "GET", URL: "https://api.target.example/x", Mode: ModeCORS}},
	} {
		c := page(x.page)
		if c.Origin.IsOpaque() {
			c.URL, _ = url.Parse("https://sandbox.example/doc")
		}
		if x.granted {
			c.LocalNetworkPermission = policy.PermissionGranted
		}
		r, err := NewRequest(c, x.init)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, r)
	}
	return out
}

// Every Profile field is either compared by SameWire (changing it alone
// makes some request go out differently) or named as judging-only
// (changing it alone changes no request): a new field must choose.
func TestSameWireFields(t *testing.T) {
	reqs := sameWireRequests(t)
	typ := reflect.TypeOf(Profile{})
	for _, name := range slices.Concat(sameWireJudgingOnly, sameWireNotReadByFetch) {
		if _, ok := typ.FieldByName(name); !ok {
			t.Errorf("sameWireJudgingOnly names %s, which Profile does not have", name)
		}
	}
	base := Profile{LocalNetworkAccess: true}
	for i := range typ.NumField() {
		f := typ.Field(i)
		if slices.Contains(sameWireNotReadByFetch, f.Name) {
			continue
		}
		p := base
		v := reflect.ValueOf(&p).Elem().Field(i)
		switch {
		case f.Type == reflect.TypeOf(policy.Safelist{}):
			v.Set(reflect.ValueOf(policy.Safelist{Extra: []policy.SafelistExtension{{Name: "X-Extra", Rule: policy.RuleAny}}}))
		case f.Type == reflect.TypeOf(policy.Permission("")):
			v.Set(reflect.ValueOf(policy.PermissionGranted))
		case v.Kind() == reflect.Bool:
			v.SetBool(!v.Bool())
		case v.Kind() == reflect.String:
			v.SetString("x")
		case v.CanInt():
			v.SetInt(1)
		case v.Kind() == reflect.Slice:
			v.Set(reflect.MakeSlice(f.Type, 1, 1))
		default:
			t.Fatalf("field %s: no way to change a %s in this test", f.Name, f.Type)
		}
		same := true
		for _, r := range reqs {
			same = same && SameWire(&Fetcher{Profile: base}, &Fetcher{Profile: p}, r)
		}
		if judging := slices.Contains(sameWireJudgingOnly, f.Name); same != judging {
			t.Errorf("field %s changed alone: same requests = %v, want %v (judging-only: %v)", f.Name, same, judging, judging)
		}
	}
}

// A Fetcher with a cookie store is never SameWire as another: what it
// sends depends on what earlier responses set.
func TestSameWireCookieStore(t *testing.T) {
	req := sameWireRequests(t)[0]
	jar := cookie.New(cookie.Options{})
	if !SameWire(&Fetcher{}, &Fetcher{}, req) {
		t.Fatal("two plain Fetchers differ")
	}
	if SameWire(&Fetcher{Cookies: jar}, &Fetcher{}, req) || SameWire(&Fetcher{}, &Fetcher{Cookies: jar}, req) {
		t.Error("a Fetcher with a cookie store is SameWire as one without")
	}
}

// The safelist's Range rule is compared too: a profile that reads the
// unit ignoring case sends "Range: BYTES=0-1" without a preflight.
func TestSameWireRangeUnitCase(t *testing.T) {
	o, _ := policy.ParseOrigin("https://www.attacker.example")
	req, err := NewRequest(Client{Origin: o}, RequestInit{Method: "GET", URL: "https://api.target.example/x", Mode: ModeCORS,
		Header: policy.HeaderList{{Name: "Range", Value: "BYTES=0-1"}}})
	if err != nil {
		t.Fatal(err)
	}
	folding := Profile{Safelist: policy.Safelist{RangeUnitIgnoresCase: true}}
	if SameWire(&Fetcher{}, &Fetcher{Profile: folding}, req) {
		t.Error("one profile preflights Range: BYTES=0-1 and the other does not, yet SameWire says they send the same")
	}
}
