package fetch

import (
	"context"
	"testing"

	"github.com/corsim/corsim/policy"
)

// TestHopMemoFollowsProfile: one Request fetched under profiles whose
// safelist extensions differ, or whose extension list is changed in place
// between fetches, is judged under each profile as it is at that fetch:
// the memo of its unsafe names never answers for another safelist.
func TestHopMemoFollowsProfile(t *testing.T) {
	req := mustRequest(t, newClient(t), RequestInit{URL: "https://api.example/x",
		Header: policy.HeaderList{{Name: "DPR", Value: "2"}}})
	srv := TransportFunc(func(_ context.Context, r *WireRequest) (*WireResponse, error) {
		return echoOrigin(200, "Access-Control-Allow-Headers", "dpr")(r), nil
	})
	extra := []policy.SafelistExtension{{Name: "DPR", Rule: policy.RuleDecimal}}
	withDPR := Spec
	withDPR.Safelist = policy.Safelist{Extra: extra}
	preflighted := func(p Profile) bool {
		f, _ := newFetcher(p, srv)
		res := f.Fetch(context.Background(), req)
		if res.Err != nil {
			t.Fatal(res.Err)
		}
		return len(res.Preflights) > 0
	}
	for i, tt := range []struct {
		p     Profile
		rule  policy.ValueRule
		wantP bool
	}{
		{Spec, policy.RuleDecimal, true},
		{withDPR, policy.RuleDecimal, false},
		{Spec, policy.RuleDecimal, true},
		{withDPR, policy.RuleOn, true}, // the same slice, changed in place
		{withDPR, policy.RuleDecimal, false},
	} {
		extra[0].Rule = tt.rule
		if got := preflighted(tt.p); got != tt.wantP {
			t.Errorf("fetch %d: preflighted = %v, want %v", i, got, tt.wantP)
		}
	}
}

// TestHopMemoFollowsFlags: a copy of a Request shares its memo box; when
// the copy's use-CORS-preflight flag differs, its preflight reasons are its
// own (a forced preflight says so), not the original's.
func TestHopMemoFollowsFlags(t *testing.T) {
	req := mustRequest(t, newClient(t), RequestInit{Method: "PUT", URL: "https://api.example/x"})
	srv := TransportFunc(func(_ context.Context, r *WireRequest) (*WireResponse, error) {
		return echoOrigin(200, "Access-Control-Allow-Methods", "PUT")(r), nil
	})
	reasons := func(r *Request) []policy.Code {
		f, _ := newFetcher(Spec, srv)
		res := f.Fetch(context.Background(), r)
		if res.Err != nil || len(res.Preflights) == 0 {
			t.Fatalf("err %v, %d preflights", res.Err, len(res.Preflights))
		}
		var codes []policy.Code
		for _, why := range res.Preflights[0].Reasons {
			codes = append(codes, why.Code)
		}
		return codes
	}
	plain := reasons(req)
	forcedReq := *req
	forcedReq.UseCORSPreflight = true
	forced := reasons(&forcedReq)
	if len(forced) != len(plain)+1 {
		t.Errorf("reasons with the flag forced = %v, without = %v: want one more (the forced preflight)", forced, plain)
	}
}
