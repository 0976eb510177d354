package main

import (
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/dossiergraph/dossier/server"
	"github.com/dossiergraph/dossier/server/auth"
)

// accessFlags are serve's flags about credentials.
type accessFlags struct {
	operator    string
	requireRead bool
}

func (f *accessFlags) register(fs *pflag.FlagSet) {
	fs.StringVar(&f.operator, "operator-name", envOr("DOSSIER_OPERATOR_NAME", server.DefaultOperatorName),
		"name of the operator's credential: the first start's admin credential, a migrated <data>/write-token, --write-token (DOSSIER_OPERATOR_NAME)")
	fs.BoolVar(&f.requireRead, "require-read-token", false,
		"make GraphQL reads, the playground's queries and the exports need a credential of role read or higher (DOSSIER_REQUIRE_READ_TOKEN=true)")
}

// prepareCredentials readies the credentials file for serve: it migrates an old plaintext
// write token, and on the very first start creates the operator's admin credential and
// prints its token, once, on stdout (never in the log).
func (a *app) prepareCredentials(cmd *cobra.Command, log *slog.Logger, access *accessFlags, fixedWriteToken bool) (*auth.File, error) {
	if v := os.Getenv("DOSSIER_REQUIRE_READ_TOKEN"); v != "" && !cmd.Flags().Changed("require-read-token") {
		b, err := strconv.ParseBool(v)
		if err != nil {
			return nil, fmt.Errorf("DOSSIER_REQUIRE_READ_TOKEN=%q: want true or false", v)
		}
		access.requireRead = b
	}
	if err := auth.CheckName(access.operator); err != nil {
		return nil, fmt.Errorf("--operator-name: %w", err)
	}
	creds := auth.NewFile(a.store.dataDir)
	migrated, err := server.MigrateWriteToken(a.store.dataDir, access.operator, creds)
	if err != nil {
		return nil, err
	}
	if migrated {
		log.Warn("the old write token now is credential "+strconv.Quote(access.operator)+" (role write); its plaintext file was removed, the token keeps working",
			"removed", filepath.Join(a.store.dataDir, server.WriteTokenFile), "credentials", creds.Path())
	}
	if !fixedWriteToken {
		token, created, err := server.CreateFirstCredential(creds, access.operator)
		if err != nil {
			return nil, err
		}
		if created {
			log.Info("created the first credential; its token is on stdout, shown only this once",
				"name", access.operator, "role", auth.RoleAdmin.String(), "credentials", creds.Path())
			fmt.Fprintf(a.stdout, "Created credential %q (role admin). Its token, shown only this once, is\n\n    %s\n\n"+
				"Send it as \"Authorization: Bearer <token>\". More credentials: dossier token create NAME --role read|write|admin\n",
				access.operator, token)
		}
	}
	list, err := creds.List()
	if err != nil {
		return nil, err
	}
	if !fixedWriteToken && !slices.ContainsFunc(list, auth.Credential.Active) {
		log.Warn("no active credential: every write is refused; create one with dossier token create NAME --role write",
			"credentials", creds.Path())
	}
	return creds, nil
}

func (a *app) tokenCommand() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "token",
		Short: "Create, list and revoke the named credentials of the data directory",
		Long: `Named credentials: each has a name (recorded with what it does), a role and a bearer token.
Roles: read (queries, exports), write (also mutations), admin (also /credentials over HTTP).
Tokens are shown once, at creation, and kept only as SHA-256 hashes in <data>/` + auth.FileName + `.
A running server sees every change at its next request.`,
		Args: cobra.NoArgs,
	}
	cmd.AddCommand(a.tokenCreateCommand(), a.tokenListCommand(), a.tokenRevokeCommand())
	return cmd
}

func (a *app) tokenCreateCommand() *cobra.Command {
	var roleName string
	cmd := &cobra.Command{
		Use:   "create NAME --role read|write|admin",
		Short: "Create a credential and print its token, once",
		Long: `Create a credential and print its token on stdout, alone, so that
	TOKEN=$(dossier token create anna --role write)
keeps it; the token cannot be shown again. Names: letters, digits, '.', '_', '@', '-'.`,
		Args: cobra.ExactArgs(1),
		RunE: func(_ *cobra.Command, args []string) error {
			if roleName == "" {
				return fmt.Errorf("--role is required: one of %s", auth.RoleNames)
			}
			role, err := auth.ParseRole(roleName)
			if err != nil {
				return fmt.Errorf("--role: %w", err)
			}
			token, c, err := auth.NewFile(a.store.dataDir).Create(args[0], role)
			if err != nil {
				return err
			}
			fmt.Fprintln(a.stdout, token)
			fmt.Fprintf(a.stderr, "created credential %q (role %s); its token above is shown only this once\n", c.Name, c.Role)
			return nil
		},
	}
	cmd.Flags().StringVar(&roleName, "role", "", "the credential's role: "+auth.RoleNames)
	return cmd
}

func (a *app) tokenListCommand() *cobra.Command {
	var all bool
	cmd := &cobra.Command{
		Use:   "list",
		Short: "List the credentials (never their tokens)",
		Args:  cobra.NoArgs,
		RunE: func(*cobra.Command, []string) error {
			creds, err := auth.NewFile(a.store.dataDir).List()
			if err != nil {
				return err
			}
			w := tabwriter.NewWriter(a.stdout, 0, 4, 2, ' ', 0)
			fmt.Fprintln(w, "NAME\tROLE\tCREATED\tREVOKED")
			for _, c := range creds {
				if !c.Active() && !all {
					continue
				}
				revoked := "-"
				if !c.Active() {
					revoked = c.Revoked.Format(time.RFC3339)
				}
				fmt.Fprintf(w, "%s\t%s\t%s\t%s\n", c.Name, c.Role, c.Created.Format(time.RFC3339), revoked)
			}
			return w.Flush()
		},
	}
	cmd.Flags().BoolVar(&all, "all", false, "include revoked credentials")
	return cmd
}

func (a *app) tokenRevokeCommand() *cobra.Command {
	return &cobra.Command{
		Use:   "revoke NAME",
		Short: "Revoke a credential: its token stops working at once, on a running server too",
		Args:  cobra.ExactArgs(1),
		RunE: func(_ *cobra.Command, args []string) error {
			c, err := auth.NewFile(a.store.dataDir).Revoke(args[0])
			if err != nil {
				return err
			}
			fmt.Fprintf(a.stdout, "revoked credential %q (role %s)\n", c.Name, c.Role)
			return nil
		},
	}
}
