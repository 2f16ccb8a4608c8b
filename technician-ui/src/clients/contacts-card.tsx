import { EmptyState } from '../../../ui-kit/components/empty-state';
import { PortalAccessBadge } from './client-badges';
import type { Contact } from './types';

/** The client's contacts and whether each can sign in to the billing portal. */
export function ContactsCard({ contacts }: { contacts: Contact[] }) {
  return (
    <section className="card" aria-labelledby="contacts-title">
      <div className="card__header">
        <div>
          <h2 className="card__title" id="contacts-title">
            Contacts
          </h2>
          <p className="card__description">People at this client who can use the billing portal.</p>
        </div>
      </div>
      {contacts.length === 0 ? (
        <EmptyState title="No contacts">Contacts come from your PSA with the client record.</EmptyState>
      ) : (
        <div className="table-scroll" role="region" aria-label="Contacts" tabIndex={0}>
          <table className="table table--stack">
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Email</th>
                <th scope="col">Portal access</th>
              </tr>
            </thead>
            <tbody>
              {contacts.map((contact) => (
                <tr key={contact.id}>
                  <td className="is-primary">
                    <span className="cell-primary__title">{contact.name}</span>
                  </td>
                  <td data-label="Email">
                    <a href={`mailto:${contact.email}`}>{contact.email}</a>
                  </td>
                  <td className="is-badge" data-label="Portal access">
                    <PortalAccessBadge access={contact.portalAccess} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
