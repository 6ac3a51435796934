package store

import (
	"context"
	"errors"
	"testing"
)

func TestCreateList(t *testing.T) {
	ctx := context.Background()
	st := openTest(t)
	if err := st.CreateList(ctx, "ngos", "habitat", "cli:ana"); err != nil {
		t.Fatalf("CreateList() = %v", err)
	}
	if err := st.CreateList(ctx, "ngos", "", "cli:ana"); !errors.Is(err, ErrListExists) {
		t.Errorf("CreateList(again) = %v, want ErrListExists", err)
	}
	// A list an import made is taken, and not one created in the database.
	if _, err := st.UpsertList(ctx, "mayors"); err != nil {
		t.Fatal(err)
	}
	if err := st.CreateList(ctx, "mayors", "", "cli:ana"); !errors.Is(err, ErrListExists) {
		t.Errorf("CreateList(mayors) = %v, want ErrListExists", err)
	}
	if err := st.CreateList(ctx, " ", "", "cli:ana"); err == nil {
		t.Error("CreateList(blank name) = nil")
	}
	got, err := st.CreatedLists(ctx)
	if err != nil || len(got) != 1 || got[0].Name != "ngos" || got[0].Account != "habitat" || got[0].CreatedBy != "cli:ana" ||
		got[0].CreatedAt.IsZero() {
		t.Errorf("CreatedLists() = %+v, %v", got, err)
	}
	counts, err := st.Lists(ctx)
	if err != nil || len(counts) != 2 || counts[1].Name != "ngos" || counts[1].Contacts != 0 {
		t.Errorf("Lists() = %+v, %v", counts, err)
	}
}
